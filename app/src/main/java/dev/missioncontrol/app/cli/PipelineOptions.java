package dev.missioncontrol.app.cli;

import dev.missioncontrol.knowledge.rag.PipelineConfig;
import dev.missioncontrol.models.embed.EmbeddingModel;
import java.net.URI;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options shared by the commands that run an answering pipeline. */
public final class PipelineOptions {
    @Option(
            names = "--data-dir",
            paramLabel = "DIR",
            description = "Where indexes, extracted models and ingested documents live (default: ${DEFAULT-VALUE}).")
    Path dataDir = defaultDataDir();

    @Option(
            names = "--config",
            paramLabel = "FILE",
            description = "Pipeline properties file; keys: " + PipelineConfig.KEYS + ".")
    Path config;

    @Option(
            names = "--embedding-model",
            paramLabel = "ID",
            description = "Retrieval embedding model: all-minilm-l6-v2 (default), all-minilm-l6-v2-int8,"
                    + " bge-small-en-v1.5, e5-small-v2.")
    String embeddingModel;

    @Option(
            names = "--generator",
            paramLabel = "BACKEND",
            description =
                    "grounded (default, extractive), llama (a GGUF file) or openai (an OpenAI-compatible server).")
    String generator;

    @Option(names = "--gguf", paramLabel = "FILE", description = "GGUF model file for --generator llama.")
    Path gguf;

    @Option(
            names = "--url",
            paramLabel = "URL",
            description = "Server base URL for --generator openai, for example http://127.0.0.1:11434/v1.")
    URI url;

    @Option(names = "--llm-model", paramLabel = "NAME", description = "Model name on the server (--generator openai).")
    String llmModel;

    @Option(
            names = "--api-key-env",
            paramLabel = "VAR",
            description = "Environment variable holding the server's API key (never pass keys on the command line).")
    String apiKeyEnv;

    /**
     * {@code --generator} and its settings as one generator for every node of a new cluster ({@code cluster up}), or
     * nothing when none was given. The API key stays in its environment variable: only its name is passed on.
     */
    java.util.Optional<dev.missioncontrol.cluster.config.GeneratorSpec> generatorForAllNodes() {
        if (generator == null && gguf == null && url == null && llmModel == null && apiKeyEnv == null) {
            return java.util.Optional.empty();
        }
        String kind = generator != null ? generator : url != null ? "openai" : gguf != null ? "llama" : "grounded";
        return java.util.Optional.of(new dev.missioncontrol.cluster.config.GeneratorSpec(
                kind,
                gguf == null ? "" : gguf.toAbsolutePath().toString(),
                url == null ? "" : url.toString(),
                llmModel,
                apiKeyEnv));
    }

    /** The configuration these options describe, validated. */
    public PipelineConfig toConfig() {
        PipelineConfig c = config != null ? PipelineConfig.load(config, dataDir) : PipelineConfig.defaults(dataDir);
        if (embeddingModel != null) {
            c = c.withEmbeddingModel(EmbeddingModel.byId(embeddingModel));
        }
        if (generator != null || gguf != null || url != null || llmModel != null || apiKeyEnv != null) {
            String key = apiKeyEnv == null ? c.apiKey() : System.getenv(apiKeyEnv);
            if (apiKeyEnv != null && key == null) {
                throw new IllegalArgumentException("--api-key-env " + apiKeyEnv + ": that variable is not set.");
            }
            c = c.withGenerator(
                    generator != null ? generator : c.generator(),
                    gguf != null ? gguf : c.gguf(),
                    url != null ? url : c.url(),
                    llmModel != null ? llmModel : c.model(),
                    key);
        }
        return c.validate();
    }

    public static Path defaultDataDir() {
        String env = System.getenv("MISSION_CONTROL_DATA");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        String xdg = System.getenv("XDG_DATA_HOME");
        Path base = xdg != null && !xdg.isBlank()
                ? Path.of(xdg)
                : Path.of(System.getProperty("user.home"), ".local", "share");
        return base.resolve("mission-control");
    }
}
