package dev.missioncontrol.app.cli;

import dev.missioncontrol.cluster.config.ClusterSpec;
import java.util.List;
import picocli.CommandLine.Option;

/** What the nodes of a new cluster run with, shared by {@code cluster up}, {@code cluster init} and {@code console}. */
public final class NodeOptions {
    @Option(
            names = "--models",
            split = ",",
            paramLabel = "ID",
            description = "Retrieval models, cycled over the nodes (default: all-minilm-l6-v2,"
                    + " all-minilm-l6-v2-int8, bge-small-en-v1.5 for N-version diversity).")
    List<String> models;

    @Option(
            names = "--deadline-ms",
            defaultValue = "10000",
            description = "How long the leader waits for answers (default 10000).")
    long deadline;

    /** The models given, or the diverse default. */
    List<String> modelsOrDefault() {
        return models == null ? ClusterSpec.DIVERSE_MODELS : models;
    }
}
