package dev.missioncontrol.knowledge.rag;

import dev.missioncontrol.knowledge.KnowledgeBase;
import dev.missioncontrol.knowledge.index.RetrievalMode;
import dev.missioncontrol.models.embed.Embedder;
import dev.missioncontrol.models.embed.OnnxEmbedder;
import dev.missioncontrol.models.generate.Answer;
import dev.missioncontrol.models.generate.Generator;
import dev.missioncontrol.models.generate.GroundedGenerator;
import dev.missioncontrol.models.generate.LlamaGenerator;
import dev.missioncontrol.models.generate.OpenAiGenerator;
import dev.missioncontrol.models.generate.Passage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * One node's answering pipeline: validate the question, embed it, retrieve passages (hybrid by default), and let the
 * configured {@link Generator} compose the JSON answer.
 *
 * <p>Thread-safe as far as its generator is (the grounded default is).
 */
public final class RagPipeline implements AutoCloseable {
    /** Questions longer than this are cut before anything else looks at them. */
    public static final int MAX_QUESTION_CHARS = 4000;

    private final PipelineConfig config;
    private final Embedder embedder;
    private final KnowledgeBase knowledge;
    private final Generator generator;

    public RagPipeline(PipelineConfig config, Embedder embedder, KnowledgeBase knowledge, Generator generator) {
        this.config = config;
        this.embedder = embedder;
        this.knowledge = knowledge;
        this.generator = generator;
    }

    /** Builds every part from configuration: embedder, knowledge base (index built if needed) and generator. */
    public static RagPipeline open(PipelineConfig config) {
        config.validate();
        Embedder embedder =
                OnnxEmbedder.load(config.embeddingModel(), config.dataDir().resolve("models"), config.threads());
        try {
            KnowledgeBase knowledge = KnowledgeBase.open(config.dataDir(), embedder);
            Generator generator =
                    switch (config.generator()) {
                        case "llama" -> LlamaGenerator.load(LlamaGenerator.Config.of(config.gguf()));
                        case "openai" -> {
                            var g = new OpenAiGenerator(new OpenAiGenerator.Config(
                                    config.url(), config.model(), config.apiKey(), config.timeout()));
                            g.healthCheck();
                            yield g;
                        }
                        default -> new GroundedGenerator(embedder, config.grounded());
                    };
            return new RagPipeline(config, embedder, knowledge, generator);
        } catch (RuntimeException e) {
            embedder.close();
            throw e;
        }
    }

    public KnowledgeBase knowledge() {
        return knowledge;
    }

    public Embedder embedder() {
        return embedder;
    }

    public Generator generator() {
        return generator;
    }

    public PipelineConfig config() {
        return config;
    }

    /**
     * Answers a question.
     *
     * @throws IllegalArgumentException when the question is empty or only white space
     */
    public AskResult ask(String question, Consumer<String> tokens) {
        return ask(question, config.retrieval(), tokens);
    }

    public AskResult ask(String question) {
        return ask(question, config.retrieval(), t -> {});
    }

    /** Answers with a given retrieval mode (used by the evaluation to compare modes). */
    public AskResult ask(String question, RetrievalMode mode, Consumer<String> tokens) {
        List<String> warnings = new ArrayList<>();
        String q = prepare(question, warnings);
        long t0 = System.nanoTime();
        float[] qv = embedder.embedQuery(q);
        long t1 = System.nanoTime();
        List<Passage> passages = knowledge.search(q, qv, config.topK(), mode);
        long t2 = System.nanoTime();
        Answer answer = generator.generate(q, passages, tokens);
        long t3 = System.nanoTime();
        return new AskResult(q, answer, passages, warnings, (t1 - t0) / 1e6, (t2 - t1) / 1e6, (t3 - t2) / 1e6);
    }

    private String prepare(String question, List<String> warnings) {
        if (question == null || question.isBlank()) {
            throw new IllegalArgumentException("The question is empty. Type a question about spacecraft operations.");
        }
        String q = question.strip();
        int original = q.length();
        if (q.length() > MAX_QUESTION_CHARS) {
            q = q.substring(0, MAX_QUESTION_CHARS);
        }
        if (!embedder.fitsWindow(q)) {
            int lo = 1, hi = q.length();
            while (lo < hi) {
                int mid = (lo + hi + 1) / 2;
                if (embedder.fitsWindow(q.substring(0, mid))) {
                    lo = mid;
                } else {
                    hi = mid - 1;
                }
            }
            q = q.substring(0, lo);
        }
        if (q.length() < original) {
            warnings.add(String.format(
                    Locale.ROOT,
                    "The question was %,d characters; only the first %,d fit the %s model window and were used.",
                    original,
                    q.length(),
                    embedder.modelId()));
        }
        return q;
    }

    @Override
    public void close() {
        generator.close();
        knowledge.close();
        embedder.close();
    }
}
