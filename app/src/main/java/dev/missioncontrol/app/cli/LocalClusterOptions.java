package dev.missioncontrol.app.cli;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Options of a local cluster on loopback, shared by {@code cluster up} and {@code console}. */
public final class LocalClusterOptions {
    @Option(names = "--nodes", defaultValue = "3", description = "Cluster size: 3, 4, 5 or 7 (default 3).")
    int nodes;

    @Mixin
    NodeOptions node;
}
