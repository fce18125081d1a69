package dev.missioncontrol.cluster.supervisor;

import dev.missioncontrol.cluster.config.ClusterSecret;
import dev.missioncontrol.cluster.config.ClusterSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where a local cluster lives: its cluster file and secret, one data directory and log per node, and the node PIDs.
 * {@code cluster up} keeps its cluster in {@code DATA/cluster} (so {@code cluster status}, {@code ask}, {@code fault}
 * and {@code cluster down} find it again); the console keeps its own in {@code DATA/console}. A cluster file elsewhere
 * ({@code --cluster FILE}) has its secret and, when its nodes run on this machine, its pid file beside it.
 */
public final class ClusterFiles {
    private final Path dir;

    public ClusterFiles(Path dir) {
        this.dir = dir;
    }

    /** The files beside a cluster file given on the command line. */
    public static ClusterFiles of(Path clusterFile) {
        return new ClusterFiles(clusterFile.toAbsolutePath().getParent());
    }

    public Path dir() {
        return dir;
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
        return logs().resolve(id + ".log");
    }

    public Path logs() {
        return dir.resolve("logs");
    }

    public Path pidFile() {
        return dir.resolve("pids");
    }

    /** Writes a new cluster's file, and a fresh secret beside it (readable by this user only). */
    public ClusterSecret create(ClusterSpec spec) {
        spec.write(clusterFile());
        return ClusterSecret.create(clusterFile());
    }

    /** The cluster's secret, when it is beside the cluster file and readable. */
    public Optional<ClusterSecret> secret() {
        return ClusterSecret.read(clusterFile());
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
                    for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
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
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        Path aside = group.resolveSibling(group.getFileName() + ".damaged-" + stamp);
        Files.move(group, aside);
        return aside;
    }

    /** The recorded node processes still running (a recorded pid now used by another program is not one). */
    public List<ProcessHandle> liveNodes() {
        List<ProcessHandle> out = new ArrayList<>();
        for (long pid : pids().values()) {
            ProcessHandle.of(pid).filter(ClusterFiles::isNode).ifPresent(out::add);
        }
        return out;
    }

    /**
     * Whether a process is alive and a node JVM. A process whose command line the OS does not show counts as one (it
     * was recorded as a node, and pids are rarely reused within a session).
     */
    static boolean isNode(ProcessHandle h) {
        return h.isAlive()
                && h.info().commandLine().map(Supervisor::isNodeCommand).orElse(true);
    }

    /** The last {@code n} lines of a file, or a line saying why there are none. */
    public static List<String> tail(Path file, int n) {
        try {
            List<String> lines = Files.readAllLines(file);
            return lines.subList(Math.max(0, lines.size() - n), lines.size());
        } catch (IOException e) {
            return List.of("(no log: " + e.getMessage() + ")");
        }
    }
}
