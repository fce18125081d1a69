package dev.missioncontrol.app.console;

import dev.missioncontrol.cluster.config.ClusterSpec;
import java.nio.file.Path;
import java.util.List;

/**
 * How the console starts: a local cluster of {@code nodes} node JVMs it supervises (retrieval models cycled over the
 * nodes), or an existing cluster attached through its cluster file.
 *
 * @param attach a cluster file to attach to, or null for a local cluster
 */
public record ConsoleOptions(Path dataDir, int nodes, List<String> models, long deadlineMillis, Path attach) {
    public static final List<Integer> SIZES = List.of(3, 4, 5, 7);

    public ConsoleOptions {
        models = models == null || models.isEmpty() ? ClusterSpec.DIVERSE_MODELS : List.copyOf(models);
    }

    /** Names the wrong option and what is allowed. */
    public void validate() {
        if (attach == null && !SIZES.contains(nodes)) {
            throw new IllegalArgumentException("--nodes " + nodes + " is not supported; choose 3, 4, 5 or 7.");
        }
        if (deadlineMillis < 500) {
            throw new IllegalArgumentException("--deadline-ms " + deadlineMillis + " is too short; use at least 500.");
        }
    }
}
