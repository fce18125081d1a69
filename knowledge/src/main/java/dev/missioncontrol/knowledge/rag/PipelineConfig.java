package dev.missioncontrol.knowledge.rag;

import dev.missioncontrol.knowledge.index.RetrievalMode;
import dev.missioncontrol.models.embed.EmbeddingModel;
import dev.missioncontrol.models.generate.GroundedGenerator;
import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Properties;

/**
 * Everything one answering pipeline needs: where its data lives, which embedding model retrieves, how many passages,
 * and which generator backend answers.
 *
 * <p>Loaded from a properties file ({@link #load}) whose keys are listed in {@link #KEYS}; an invalid value is
 * reported with its key and file.
 *
 * @param generator {@code grounded}, {@code llama} or {@code openai}
 * @param gguf GGUF model file ({@code llama} backend)
 * @param url server base URL ({@code openai} backend), for example {@code http://127.0.0.1:11434/v1}
 * @param model model name on the server ({@code openai} backend)
 * @param apiKey bearer token for the server, may be empty
 */
public record PipelineConfig(
        Path dataDir,
        EmbeddingModel embeddingModel,
        RetrievalMode retrieval,
        int topK,
        int threads,
        String generator,
        Path gguf,
        URI url,
        String model,
        String apiKey,
        Duration timeout,
        GroundedGenerator.Config grounded) {

    /** Property keys understood by {@link #load}. */
    public static final String KEYS = "data-dir, embedding.model, retrieval.mode, retrieval.top-k, threads,"
            + " generator (grounded|llama|openai), generator.gguf, generator.url, generator.model, generator.api-key,"
            + " generator.timeout-seconds, grounded.refuse-below";

    /**
     * The defaults: grounded answers over MiniLM retrieval, data in {@code dataDir}, two inference threads (one
     * pipeline on a small machine; nodes sharing a machine set {@code threads=1}).
     */
    public static PipelineConfig defaults(Path dataDir) {
        return new PipelineConfig(
                dataDir,
                EmbeddingModel.MINILM,
                RetrievalMode.HYBRID,
                5,
                Math.min(2, Runtime.getRuntime().availableProcessors()),
                "grounded",
                null,
                null,
                null,
                "",
                Duration.ofSeconds(60),
                GroundedGenerator.Config.DEFAULT);
    }

    public PipelineConfig withEmbeddingModel(EmbeddingModel m) {
        return new PipelineConfig(
                dataDir, m, retrieval, topK, threads, generator, gguf, url, model, apiKey, timeout, grounded);
    }

    public PipelineConfig withThreads(int n) {
        return new PipelineConfig(
                dataDir, embeddingModel, retrieval, topK, n, generator, gguf, url, model, apiKey, timeout, grounded);
    }

    public PipelineConfig withRetrieval(RetrievalMode r) {
        return new PipelineConfig(
                dataDir, embeddingModel, r, topK, threads, generator, gguf, url, model, apiKey, timeout, grounded);
    }

    public PipelineConfig withGenerator(String g, Path ggufFile, URI serverUrl, String serverModel, String key) {
        return new PipelineConfig(
                dataDir,
                embeddingModel,
                retrieval,
                topK,
                threads,
                g,
                ggufFile,
                serverUrl,
                serverModel,
                key == null ? "" : key,
                timeout,
                grounded);
    }

    /** The same, with another generation deadline (a node sets it below the cluster's answer deadline). */
    public PipelineConfig withTimeout(Duration t) {
        return new PipelineConfig(
                dataDir, embeddingModel, retrieval, topK, threads, generator, gguf, url, model, apiKey, t, grounded);
    }

    /**
     * Checks the combination, naming the key at fault.
     *
     * @throws IllegalArgumentException with a message naming the key and what to do
     */
    public PipelineConfig validate() {
        if (topK < 1 || topK > 50) {
            throw new IllegalArgumentException("retrieval.top-k must be between 1 and 50, was " + topK);
        }
        switch (generator) {
            case "grounded" -> {}
            case "llama" -> {
                if (gguf == null) {
                    throw new IllegalArgumentException(
                            "generator=llama needs generator.gguf, the path of a .gguf file");
                }
            }
            case "openai" -> {
                if (url == null || model == null || model.isBlank()) {
                    throw new IllegalArgumentException(
                            "generator=openai needs generator.url (for example http://127.0.0.1:11434/v1) and"
                                    + " generator.model");
                }
            }
            default ->
                throw new IllegalArgumentException(
                        "generator must be grounded, llama or openai, was '" + generator + "'");
        }
        return this;
    }

    /**
     * Reads a properties file over the defaults.
     *
     * @throws IllegalArgumentException naming the file and key of a bad value
     */
    public static PipelineConfig load(Path file, Path defaultDataDir) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            p.load(r);
        } catch (IOException e) {
            throw new IllegalArgumentException("Cannot read configuration " + file + ": " + e.getMessage());
        }
        PipelineConfig d = defaults(defaultDataDir);
        String key = null;
        try {
            key = "data-dir";
            Path dataDir = p.containsKey(key) ? Path.of(p.getProperty(key).strip()) : d.dataDir();
            key = "embedding.model";
            EmbeddingModel em = p.containsKey(key) ? EmbeddingModel.byId(p.getProperty(key)) : d.embeddingModel();
            key = "retrieval.mode";
            RetrievalMode mode = p.containsKey(key) ? RetrievalMode.parse(p.getProperty(key)) : d.retrieval();
            key = "retrieval.top-k";
            int topK = Integer.parseInt(
                    p.getProperty(key, String.valueOf(d.topK())).strip());
            key = "threads";
            int threads = Integer.parseInt(
                    p.getProperty(key, String.valueOf(d.threads())).strip());
            key = "generator";
            String gen = p.getProperty(key, d.generator()).strip().toLowerCase(Locale.ROOT);
            key = "generator.gguf";
            Path gguf = p.containsKey(key) ? Path.of(p.getProperty(key).strip()) : null;
            key = "generator.url";
            URI url = p.containsKey(key) ? URI.create(p.getProperty(key).strip()) : null;
            key = "generator.timeout-seconds";
            Duration timeout =
                    Duration.ofSeconds(Long.parseLong(p.getProperty(key, "60").strip()));
            key = "grounded.refuse-below";
            GroundedGenerator.Config g = d.grounded();
            if (p.containsKey(key)) {
                g = new GroundedGenerator.Config(
                        g.passages(),
                        g.maxSentences(),
                        g.relevanceFloor(),
                        g.diversity(),
                        Double.parseDouble(p.getProperty(key).strip()));
            }
            key = "generator";
            return new PipelineConfig(
                            dataDir,
                            em,
                            mode,
                            topK,
                            threads,
                            gen,
                            gguf,
                            url,
                            p.getProperty("generator.model"),
                            p.getProperty("generator.api-key", ""),
                            timeout,
                            g)
                    .validate();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + key + ": " + e.getMessage(), e);
        }
    }
}
