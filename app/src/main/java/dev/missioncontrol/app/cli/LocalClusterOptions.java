package dev.missioncontrol.app.cli;

import java.util.List;
import picocli.CommandLine.Option;

/** Options of a local cluster on loopback, shared by {@code cluster up} and {@code console}. */
public final class LocalClusterOptions {
    @Option(names = "--nodes", defaultValue = "3", description = "Cluster size: 3, 4, 5 or 7 (default 3).")
    int nodes;

    @Option(
            names = "--models",
            split = ",",
            paramLabel = "ID",
            description = "Retrieval models, cycled over the nodes (default: all-minilm-l6-v2,"
                    + " bge-small-en-v1.5, e5-small-v2 for N-version diversity).")
    List<String> models;

    @Option(
            names = "--deadline-ms",
            defaultValue = "10000",
            description = "How long the leader waits for answers (default 10000).")
    long deadline;
}
