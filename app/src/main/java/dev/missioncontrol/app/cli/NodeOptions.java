package dev.missioncontrol.app.cli;

import dev.missioncontrol.cluster.config.ClusterSpec;
import dev.missioncontrol.cluster.config.GeneratorSpec;
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

    @Option(
            names = "--node-generator",
            paramLabel = "'NODE generator=… …'",
            description = "A node's generator, in the cluster file's words; repeat per node, or give 'all' for"
                    + " every node. For example: --node-generator 'n2 generator=openai url=http://127.0.0.1:11434/v1"
                    + " llm-model=qwen2.5:0.5b' --node-generator 'n3 generator=llama gguf=/models/tiny.gguf'"
                    + " (default: grounded on every node).")
    List<String> nodeGenerators;

    /**
     * The generators given, by node id ("all" for every node not named).
     *
     * @throws IllegalArgumentException naming the setting at fault
     */
    java.util.Map<String, GeneratorSpec> generators() {
        java.util.Map<String, GeneratorSpec> out = new java.util.LinkedHashMap<>();
        for (String g : nodeGenerators == null ? List.<String>of() : nodeGenerators) {
            String[] parts = g.strip().split("\\s+", 2);
            try {
                out.put(parts[0], GeneratorSpec.parse(parts.length > 1 ? parts[1] : ""));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--node-generator '" + g + "': " + e.getMessage(), e);
            }
        }
        return out;
    }

    /** The models given, or the diverse default. */
    List<String> modelsOrDefault() {
        return models == null ? ClusterSpec.DIVERSE_MODELS : models;
    }
}
