package dev.missioncontrol.knowledge.rag;

import dev.missioncontrol.knowledge.KnowledgeBase;
import dev.missioncontrol.knowledge.index.Glossary;
import dev.missioncontrol.knowledge.index.RetrievalMode;
import dev.missioncontrol.models.embed.Embedder;
import dev.missioncontrol.models.embed.OnnxEmbedder;
import dev.missioncontrol.models.generate.Answer;
import dev.missioncontrol.models.generate.Generator;
import dev.missioncontrol.models.generate.GroundedGenerator;
import dev.missioncontrol.models.generate.LlamaGenerator;
import dev.missioncontrol.models.generate.OpenAiGenerator;
import dev.missioncontrol.models.generate.Passage;
import dev.missioncontrol.models.generate.SentenceVectors;
import dev.missioncontrol.models.text.Lexicon;
import dev.missioncontrol.models.text.Sentences;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node's answering pipeline: validate the question, embed it, retrieve passages (hybrid by default), and let the
 * configured {@link Generator} compose the JSON answer.
 *
 * <p>Thread-safe as far as its generator is (the grounded default is).
 */
public final class RagPipeline implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RagPipeline.class);
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
                        case "llama" ->
                            LlamaGenerator.load(LlamaGenerator.Config.of(config.gguf()))
                                    .withTimeout(config.timeout());
                        case "openai" -> {
                            var g = new OpenAiGenerator(new OpenAiGenerator.Config(
                                    config.url(), config.model(), config.apiKey(), config.timeout()));
                            g.healthCheck();
                            yield g;
                        }
                        default -> new GroundedGenerator(embedder, config.grounded(), lexicon(knowledge));
                    };
            RagPipeline pipeline = new RagPipeline(config, embedder, knowledge, generator);
            pipeline.loadSentenceVectors();
            return pipeline;
        } catch (RuntimeException e) {
            embedder.close();
            throw e;
        }
    }

    /** The knowledge's words (as they are after an ingestion) and the glossary's, for the answer's lexical evidence. */
    private static Lexicon lexicon(KnowledgeBase knowledge) {
        Map<String, List<Set<String>>> glossary =
                Ablation.without(Ablation.GLOSSARY_EVIDENCE) ? Map.of() : Glossary.termAlternatives();
        boolean everyWord = Ablation.without(Ablation.VOCABULARY);
        return new Lexicon() {
            @Override
            public boolean uses(String term) {
                return everyWord || knowledge.scope().uses(term);
            }

            @Override
            public List<Set<String>> alternatives(String term) {
                return glossary.getOrDefault(term, List.of());
            }
        };
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
        // A question about something the knowledge never mentions is refused whatever the passages' similarity.
        Optional<String> notCovered = Ablation.without(Ablation.SCOPE)
                ? Optional.empty()
                : knowledge.scope().notCovered(q, passages);
        Answer answer;
        if (notCovered.isPresent()) {
            answer = Answer.notCovered(notCovered.get(), 0);
            tokens.accept(answer.answer());
        } else {
            answer = generator.generate(q, passages, tokens);
        }
        long t3 = System.nanoTime();
        return new AskResult(q, answer, passages, warnings, (t1 - t0) / 1e6, (t2 - t1) / 1e6, (t3 - t2) / 1e6);
    }

    /** Where the grounded generator's sentence vectors are kept between runs: beside the index. */
    public Path sentenceVectorFile() {
        return config.dataDir().resolve("index").resolve(embedder.modelId() + ".sentences");
    }

    private void loadSentenceVectors() {
        if (generator instanceof GroundedGenerator g) {
            try {
                g.sentenceVectors().load(sentenceVectorFile());
            } catch (IOException e) {
                log.warn("Ignoring {}; its sentences will be embedded again.", e.getMessage());
            }
        }
    }

    /**
     * Embeds ahead of the questions every sentence of every passage the grounded generator could rank, a little at a
     * time while {@code idle} says so, then saves them beside the index: the first question about any passage is then
     * as fast as a repeated one. Sentences already known (saved by an earlier run) cost nothing. Does nothing for the
     * other generators, which do not rank sentences.
     *
     * @throws InterruptedException when the thread is interrupted
     */
    public SentenceVectors.Progress warmSentences(BooleanSupplier idle, Consumer<SentenceVectors.Progress> progress)
            throws InterruptedException {
        if (!(generator instanceof GroundedGenerator g)) {
            return new SentenceVectors.Progress(0, 0);
        }
        SentenceVectors.awaitIdle(idle); // a document being ingested is part of what to warm
        Set<String> all = sentencesOf(knowledge);
        int embedded = g.sentenceVectors().warm(all, idle, progress);
        if (embedded > 0 || !java.nio.file.Files.exists(sentenceVectorFile())) {
            try {
                g.sentenceVectors().save(sentenceVectorFile(), all);
            } catch (IOException e) {
                log.warn("Could not save sentence vectors to {}: {}", sentenceVectorFile(), e.getMessage());
            }
        }
        return new SentenceVectors.Progress(all.size(), all.size());
    }

    /** Every sentence the grounded generator could rank: those of every passage of the knowledge base. */
    public static Set<String> sentencesOf(KnowledgeBase knowledge) {
        Set<String> all = new LinkedHashSet<>();
        for (String text : knowledge.passageTexts()) {
            for (Sentences.Unit u : Sentences.split(text)) {
                all.add(u.text());
            }
        }
        return all;
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
