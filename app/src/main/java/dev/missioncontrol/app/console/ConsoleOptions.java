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
public record ConsoleOptions(
        Path dataDir,
        int nodes,
        List<String> models,
        long deadlineMillis,
        Path attach,
        java.util.Map<String, dev.missioncontrol.cluster.config.GeneratorSpec> generators) {
    public static final List<Integer> SIZES = List.of(3, 4, 5, 7);

    public ConsoleOptions {
        models = models == null || models.isEmpty() ? ClusterSpec.DIVERSE_MODELS : List.copyOf(models);
        generators = generators == null ? java.util.Map.of() : java.util.Map.copyOf(generators);
    }

    /** Every node on the grounded generator. */
    public ConsoleOptions(Path dataDir, int nodes, List<String> models, long deadlineMillis, Path attach) {
        this(dataDir, nodes, models, deadlineMillis, attach, java.util.Map.of());
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
