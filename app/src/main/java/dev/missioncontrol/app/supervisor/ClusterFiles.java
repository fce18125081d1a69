package dev.missioncontrol.app.supervisor;

import dev.missioncontrol.cluster.config.ClusterSpec;
import dev.missioncontrol.cluster.node.NodeMain;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a local cluster lives: its cluster file, one data directory and log per node, and the node PIDs. {@code cluster
 * up} keeps its cluster in {@code DATA/cluster} (so {@code cluster status}, {@code ask} and {@code cluster down} find it
 * again); the console keeps its own in {@code DATA/console}.
 */
public final class ClusterFiles {
    public final Path dir;

    public ClusterFiles(Path dir) {
        this.dir = dir;
    }

    /** The cluster of {@code cluster up}. */
    public static ClusterFiles cli(Path dataDir) {
        return new ClusterFiles(dataDir.resolve("cluster"));
    }

    /** The cluster the console supervises. */
    public static ClusterFiles console(Path dataDir) {
        return new ClusterFiles(dataDir.resolve("console"));
    }

    public Path clusterFile() {
        return dir.resolve("cluster.conf");
    }

    public Path nodeDir(String id) {
        return dir.resolve(id);
    }

    public Path log(String id) {
        return dir.resolve("logs").resolve(id + ".log");
    }

    public Path pidFile() {
        return dir.resolve("pids");
    }

    public boolean exists() {
        return Files.isRegularFile(clusterFile());
    }

    /** The cluster file, or an error telling how to start a cluster. */
    public ClusterSpec spec(Path explicit) {
        Path file = explicit != null ? explicit : clusterFile();
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(
                    explicit != null
                            ? "Cluster file " + explicit + " does not exist."
                            : "No cluster is running here. Start one with: ./mission-control cluster up");
        }
        return ClusterSpec.read(file);
    }

    public Map<String, Long> pids() {
        Map<String, Long> pids = new LinkedHashMap<>();
        if (!Files.isRegularFile(pidFile())) {
            return pids;
        }
        try {
            for (String line : Files.readAllLines(pidFile())) {
                String[] p = line.strip().split("\\s+");
                if (p.length == 2) {
                    pids.put(p[0], Long.parseLong(p[1]));
                }
            }
        } catch (IOException | NumberFormatException e) {
            throw new IllegalStateException("Cannot read " + pidFile() + ": " + e.getMessage());
        }
        return pids;
    }

    public void writePids(Map<String, Long> pids) {
        StringBuilder sb = new StringBuilder();
        pids.forEach((id, pid) -> sb.append(id).append(' ').append(pid).append('\n'));
        try {
            Files.createDirectories(dir);
            Files.writeString(pidFile(), sb);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + pidFile() + ": " + e.getMessage(), e);
        }
    }

    /** Removes the Raft state of the nodes of a new cluster: old data would belong to another group. */
    public void deleteRaftDirs(ClusterSpec cluster) throws IOException {
        for (var n : cluster.nodes()) {
            Path raft = nodeDir(n.id()).resolve("raft");
            if (Files.exists(raft)) {
                try (var walk = Files.walk(raft)) {
                    for (Path p :
                            walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(p);
                    }
                }
            }
        }
    }

    /**
     * Moves a node's Raft directory for the cluster's group aside, to {@code <group>.damaged-<time>} next to it, so it
     * is kept for analysis and the node starts empty. Returns where it went, or null when there was none.
     */
    public Path setRaftDirAside(ClusterSpec cluster, String id) throws IOException {
        Path group = nodeDir(id).resolve("raft").resolve(cluster.group().toString());
        if (!Files.exists(group)) {
            return null;
        }
        String stamp =
                java.time.LocalDateTime.now().format(java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        Path aside = group.resolveSibling(group.getFileName() + ".damaged-" + stamp);
        Files.move(group, aside);
        return aside;
    }

    /**
     * The recorded node processes still running. A process whose command line the OS does not show counts as a node
     * only when {@code unknownIsNode}: {@code cluster down} stops it, a console start leaves it alone.
     */
    public List<ProcessHandle> liveNodes(boolean unknownIsNode) {
        List<ProcessHandle> out = new ArrayList<>();
        for (long pid : pids().values()) {
            ProcessHandle.of(pid)
                    .filter(ProcessHandle::isAlive)
                    .filter(h -> h.info()
                            .commandLine()
                            .map(c -> c.contains(NodeMain.class.getName()))
                            .orElse(unknownIsNode))
                    .ifPresent(out::add);
        }
        return out;
    }
}
