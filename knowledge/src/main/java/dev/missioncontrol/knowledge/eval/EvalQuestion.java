package dev.missioncontrol.knowledge.eval;

import java.util.List;

/**
 * One evaluation question.
 *
 * @param chunks ids of the chunks that answer it; empty when the handbook does not (a refusal is correct)
 * @param facts key facts a correct answer contains, each quoted from an answering chunk
 * @param kind {@code fact}, {@code paraphrase}, {@code procedure} or {@code unanswerable}
 * @param half {@link #TUNE} (what the pipeline may be tuned on) or {@link #TEST} (reported, never tuned on)
 */
public record EvalQuestion(
        String id, String question, List<String> chunks, List<String> facts, String kind, String half) {
    public static final String TUNE = "tune";
    public static final String TEST = "test";

    public EvalQuestion {
        chunks = List.copyOf(chunks == null ? List.of() : chunks);
        facts = List.copyOf(facts == null ? List.of() : facts);
        if (half != null && !half.equals(TUNE) && !half.equals(TEST)) {
            throw new IllegalArgumentException("question " + id + ": half must be tune or test, was " + half);
        }
    }

    public boolean answerable() {
        return !chunks.isEmpty();
    }

    /** Whether an answer's text holds every key fact (case aside): what the key-fact scores count. */
    public boolean factsIn(String answer) {
        String text = answer.toLowerCase(java.util.Locale.ROOT);
        return facts.stream().allMatch(f -> text.contains(f.toLowerCase(java.util.Locale.ROOT)));
    }

    EvalQuestion inHalf(String h) {
        return half != null ? this : new EvalQuestion(id, question, chunks, facts, kind, h);
    }
}
