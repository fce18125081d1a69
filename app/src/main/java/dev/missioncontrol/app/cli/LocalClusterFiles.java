package dev.missioncontrol.app.cli;

import dev.missioncontrol.cluster.config.ClusterSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where {@code cluster up} keeps a local cluster: {@code DATA/cluster/cluster.conf}, one data directory and log per
 * node, and the node PIDs, so {@code cluster status}, {@code ask} and {@code cluster down} find it again.
 */
final class LocalClusterFiles {
    final Path dir;

    LocalClusterFiles(Path dataDir) {
        this.dir = dataDir.resolve("cluster");
    }

    Path clusterFile() {
        return dir.resolve("cluster.conf");
    }

    Path nodeDir(String id) {
        return dir.resolve(id);
    }

    Path log(String id) {
        return dir.resolve("logs").resolve(id + ".log");
    }

    Path pidFile() {
        return dir.resolve("pids");
    }

    boolean exists() {
        return Files.isRegularFile(clusterFile());
    }

    /** The cluster file, or an error telling how to start a cluster. */
    ClusterSpec spec(Path explicit) {
        Path file = explicit != null ? explicit : clusterFile();
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(
                    explicit != null
                            ? "Cluster file " + explicit + " does not exist."
                            : "No cluster is running here. Start one with: ./mission-control cluster up");
        }
        return ClusterSpec.read(file);
    }

    Map<String, Long> pids() {
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

    void writePids(Map<String, Long> pids) {
        StringBuilder sb = new StringBuilder();
        pids.forEach((id, pid) -> sb.append(id).append(' ').append(pid).append('\n'));
        try {
            Files.createDirectories(dir);
            Files.writeString(pidFile(), sb);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + pidFile() + ": " + e.getMessage(), e);
        }
    }
}
