package dev.missioncontrol.models.generate;

import dev.missioncontrol.models.embed.Embedder;
import dev.missioncontrol.models.text.Lexicon;
import dev.missioncontrol.models.text.Sentences;
import dev.missioncontrol.models.text.Terms;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Composes an answer from the retrieved passages themselves, so every statement is quoted from the handbook.
 *
 * <ol>
 *   <li>Evidence: how similar the best passage is to the question, and how many of the question's content words the
 *       best passages contain. Weak evidence means a refusal ("not covered by the handbook"), never an invention.
 *   <li>A procedure question answered by a procedure section gets all its steps, in order; the procedure is the one
 *       of the best passages that matches the question best.
 *   <li>A question answered by a fault response gets the whole response: detection, onboard response and the
 *       operator's actions, so the cause never comes without the action.
 *   <li>Otherwise sentences are ranked by similarity to the question plus word overlap, and up to
 *       {@link Config#maxSentences()} are picked with maximal marginal relevance (relevant but not repetitive): at
 *       least three, more only while they stay within {@link Config#relevanceFloor()} of the best; then they are put
 *       back in document order.
 * </ol>
 *
 * <p>Deterministic: the same question and passages always give the same answer. Thread-safe; sentence vectors are
 * cached in {@link SentenceVectors}.
 */
public final class GroundedGenerator implements Generator {
    private static final Pattern PROCEDURE_QUESTION = Pattern.compile(
            "\\b(how (do|should|can|would) (i|we|you|the operator|operators)|steps?|procedure|checklist|sequence|"
                    + "what do (i|we) do|recover|recovery|how to|walk (me|us) through|order of commands)\\b",
            Pattern.CASE_INSENSITIVE);
    /** Questions about what happens next, and the sentences that state an automatic (onboard) reaction. */
    private static final Pattern CONSEQUENCE_QUESTION = Pattern.compile(
            "\\b(what (does|will|would|should) (the )?(spacecraft|satellite|it|kestrel-1|fault protection|software|"
                    + "computer|obc|pcdu|propulsion|system)\\b.*\\bdo|what happens|on-?board response|"
                    + "automatic(ally)?|by itself|on its own|respond|reaction)\\b",
            Pattern.CASE_INSENSITIVE);

    private static final Pattern REACTION = Pattern.compile(
            "\\b(automatic|automatically|onboard response|on-board response|autonomously)\\b",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern VALUE = Pattern.compile("\\d|\\b[A-Z]{2,}_[A-Z0-9_]+\\b");
    /** A sentence this similar to one already chosen says the same thing again. */
    private static final double MAX_REDUNDANCY = 0.85;
    /** An answer of fewer sentences rarely holds every value an operator asked for. */
    private static final int MIN_SENTENCES = 3;
    /** A procedure ranked below the best passage is still preferred when its similarity is this close. */
    private static final double PROCEDURE_MARGIN = 0.1;
    /** Weight of the question's words found in a procedure, beside its similarity, when procedures compete. */
    private static final double PROCEDURE_WORDS_WEIGHT = 0.3;

    /**
     * Tuning of the grounded generator.
     *
     * @param passages how many of the best passages sentences are drawn from
     * @param maxSentences most sentences in an answer
     * @param relevanceFloor sentences scoring more than this below the best one are not used
     * @param diversity MMR weight of novelty against relevance, in [0, 1]
     * @param refuseBelow answers with a lower confidence are refused
     */
    public record Config(int passages, int maxSentences, double relevanceFloor, double diversity, double refuseBelow) {
        public static final Config DEFAULT = new Config(3, 5, 0.25, 0.3, 0.5);

        public Config {
            if (passages < 1 || maxSentences < 1) {
                throw new IllegalArgumentException("grounded.passages and grounded.maxSentences must be at least 1");
            }
            if (refuseBelow < 0 || refuseBelow > 1) {
                throw new IllegalArgumentException("grounded.refuseBelow must be within [0, 1], was " + refuseBelow);
            }
        }
    }

    private final Embedder embedder;
    private final Config config;
    private final Calibration calibration;
    private final SentenceVectors sentences;
    private final Lexicon lexicon;

    public GroundedGenerator(Embedder embedder, Config config) {
        this(embedder, config, Lexicon.PLAIN);
    }

    /**
     * @param lexicon the knowledge's words and a glossary's translations of everyday ones: an everyday word ("fuel")
     *     counts as found in a passage that uses one ("propellant"), and a word the knowledge never uses does not
     *     lower the confidence
     */
    public GroundedGenerator(Embedder embedder, Config config, Lexicon lexicon) {
        this.embedder = embedder;
        this.config = config;
        this.lexicon = lexicon;
        this.calibration = Calibration.of(embedder.modelId());
        this.sentences = new SentenceVectors(embedder);
    }

    /** The vectors of the sentences this generator ranks: warm them ahead of time, save and load them. */
    public SentenceVectors sentenceVectors() {
        return sentences;
    }

    @Override
    public String describe() {
        return "grounded(" + embedder.modelId() + ")";
    }

    @Override
    public Answer generate(String question, List<Passage> passages, Consumer<String> tokens) {
        float[] qv = embedder.embedQuery(question);
        Evidence evidence = evidence(question, qv, passages);
        Answer answer;
        // Compared as it is shown (three digits), so a refusal never reads "0.500 < 0.500".
        if (Math.round(evidence.confidence() * 1000) / 1000.0 < config.refuseBelow()) {
            answer = refusal(evidence.confidence());
        } else {
            Passage procedure =
                    PROCEDURE_QUESTION.matcher(question).find() ? procedurePassage(question, passages) : null;
            Passage response = procedure == null ? faultResponse(passages) : null;
            if (procedure != null) {
                answer = procedure(procedure, steps(procedure), evidence.confidence());
            } else if (response != null) {
                answer = whole(response, evidence.confidence());
            } else {
                answer = extract(question, qv, passages, evidence);
            }
        }
        tokens.accept(answer.answer());
        return answer;
    }

    /** Retrieval evidence for a question, combined into one confidence in [0, 1]. */
    private Evidence evidence(String question, float[] qv, List<Passage> passages) {
        if (passages.isEmpty()) {
            return new Evidence(0, 0, 0, 0);
        }
        Set<String> q = Terms.of(question);
        double coverage = 0;
        double sentence = 0;
        for (Passage p : passages.subList(0, Math.min(2, passages.size()))) {
            coverage = Math.max(coverage, Terms.coverage(q, Terms.of(p.section() + " " + p.text()), lexicon));
            for (Sentences.Unit u : Sentences.split(p.text())) {
                sentence = Math.max(sentence, Embedder.cosine(qv, sentences.vector(u.text())));
            }
        }
        double similarity = passages.getFirst().similarity();
        return new Evidence(similarity, sentence, coverage, calibration.confidence(similarity, sentence, coverage));
    }

    /**
     * Evidence behind an answer: similarity of the best passage and of the best sentence in the two best passages,
     * share of the question's content words those passages contain, and the confidence they give.
     */
    public record Evidence(double similarity, double sentenceSimilarity, double coverage, double confidence) {}

    private Answer refusal(double confidence) {
        return Answer.notCovered(
                String.format(
                        Locale.ROOT,
                        "no passage answers this question with enough evidence (confidence %.3f < %.3f)",
                        confidence,
                        config.refuseBelow()),
                confidence);
    }

    /**
     * The procedure among the first few passages (a "Procedure" section, or three steps) that best matches the
     * question — by similarity plus the share of the question's words its heading and steps hold — provided it is
     * nearly as relevant as the most similar passage: "how do we …" also asks for explanations, which are not
     * procedures.
     */
    private Passage procedurePassage(String question, List<Passage> passages) {
        List<Passage> first = passages.subList(0, Math.min(config.passages(), passages.size()));
        double best = first.stream().mapToDouble(Passage::similarity).max().orElse(0);
        Set<String> q = Terms.of(question);
        Passage pick = null;
        double pickScore = Double.NEGATIVE_INFINITY;
        for (Passage p : first) {
            int steps = steps(p).size();
            boolean procedure =
                    steps >= 2 && (p.section().toLowerCase(Locale.ROOT).startsWith("procedure") || steps >= 3);
            if (!procedure || p.similarity() < best - PROCEDURE_MARGIN) {
                continue;
            }
            double score = p.similarity()
                    + PROCEDURE_WORDS_WEIGHT * Terms.coverage(q, Terms.of(p.section() + " " + p.text()), lexicon);
            if (score > pickScore) {
                pickScore = score;
                pick = p;
            }
        }
        return pick;
    }

    /**
     * The most similar of the first few passages when it is a fault response: how the fault is detected, what the
     * spacecraft does by itself and what the operator does, which an answer keeps together (a question about a fault
     * asks for its cause and its action, whatever its words). Chosen on the tuning halves: taking a fault response
     * within 0.1 of the most similar passage helped MiniLM a little and cost BGE 0.13 of the handbook set's key facts.
     */
    private Passage faultResponse(List<Passage> passages) {
        Passage best = passages.subList(0, Math.min(config.passages(), passages.size())).stream()
                .max(Comparator.comparingDouble(Passage::similarity))
                .orElse(null);
        return best != null && best.section().toLowerCase(Locale.ROOT).startsWith("fault response") ? best : null;
    }

    /** A passage's text whole, in its own order: a fault response's detection, onboard response and actions. */
    private static Answer whole(Passage p, double confidence) {
        String text = String.join(
                " ",
                Sentences.split(p.text()).stream().map(Sentences.Unit::text).toList());
        return new Answer(text, List.of(Citation.of(p)), confidence, Answer.PROCEDURE);
    }

    private static List<Sentences.Unit> steps(Passage p) {
        return Sentences.split(p.text()).stream()
                .filter(Sentences.Unit::listItem)
                .toList();
    }

    private static Answer procedure(Passage p, List<Sentences.Unit> steps, double confidence) {
        StringBuilder sb = new StringBuilder(p.section()).append(':');
        int n = 1;
        for (Sentences.Unit s : steps) {
            sb.append('\n').append(n++).append(". ").append(s.text());
        }
        return new Answer(sb.toString(), List.of(Citation.of(p)), confidence, Answer.PROCEDURE);
    }

    private Answer extract(String question, float[] qv, List<Passage> passages, Evidence evidence) {
        Set<String> qTerms = Terms.of(question);
        boolean consequence = CONSEQUENCE_QUESTION.matcher(question).find();
        List<Candidate> candidates = new ArrayList<>();
        int limit = Math.min(config.passages(), passages.size());
        for (int r = 0; r < limit; r++) {
            Passage p = passages.get(r);
            List<Sentences.Unit> units = Sentences.split(p.text());
            for (int i = 0; i < units.size(); i++) {
                String text = units.get(i).text();
                float[] v = sentences.vector(text);
                double sim = Embedder.cosine(qv, v);
                double lex = Terms.coverage(qTerms, Terms.of(text));
                // The passage ranking already weighed whole sections: prefer the best one, and its opening
                // sentence, which in a handbook states the section's main fact. Operators ask for values, so a
                // sentence carrying a number or a telemetry/command name is worth a little more.
                double score = sim
                        + 0.3 * lex
                        - 0.15 * r
                        + (r == 0 && i == 0 ? 0.05 : 0)
                        + (VALUE.matcher(text).find() ? 0.04 : 0)
                        + (consequence && REACTION.matcher(text).find() ? 0.15 : 0);
                candidates.add(new Candidate(p, r, i, text, v, score));
            }
        }
        if (candidates.isEmpty()) {
            return refusal(evidence.confidence());
        }
        candidates.sort(Comparator.comparingDouble(Candidate::score).reversed());
        double best = candidates.getFirst().score();
        List<Candidate> chosen = new ArrayList<>();
        while (chosen.size() < config.maxSentences()) {
            Candidate pick = null;
            double pickValue = Double.NEGATIVE_INFINITY;
            for (Candidate c : candidates) {
                boolean weak = c.score() < best - config.relevanceFloor();
                if (chosen.contains(c) || (weak && chosen.size() >= MIN_SENTENCES)) {
                    continue;
                }
                double redundancy = 0;
                for (Candidate s : chosen) {
                    redundancy = Math.max(redundancy, Embedder.cosine(c.vector(), s.vector()));
                }
                if (redundancy > MAX_REDUNDANCY) {
                    continue;
                }
                double value = (1 - config.diversity()) * c.score() - config.diversity() * redundancy;
                if (value > pickValue) {
                    pickValue = value;
                    pick = c;
                }
            }
            if (pick == null) {
                break;
            }
            chosen.add(pick);
        }
        chosen.sort(Comparator.comparingInt(Candidate::rank).thenComparingInt(Candidate::position));
        StringBuilder text = new StringBuilder();
        Set<Citation> citations = new LinkedHashSet<>();
        for (Candidate c : chosen) {
            if (!text.isEmpty()) {
                text.append(' ');
            }
            text.append(c.text());
            citations.add(Citation.of(c.passage()));
        }
        return new Answer(text.toString(), List.copyOf(citations), evidence.confidence(), Answer.INFORM);
    }

    private record Candidate(Passage passage, int rank, int position, String text, float[] vector, double score) {}
}
