package dev.missioncontrol.knowledge.eval;

import java.util.List;

/**
 * One evaluation question.
 *
 * @param chunks ids of the chunks that answer it; empty when the handbook does not (a refusal is correct)
 * @param facts key facts a correct answer contains, each quoted from an answering chunk
 * @param kind {@code fact}, {@code paraphrase}, {@code procedure} or {@code unanswerable}
 */
public record EvalQuestion(String id, String question, List<String> chunks, List<String> facts, String kind) {
    public EvalQuestion {
        chunks = List.copyOf(chunks == null ? List.of() : chunks);
        facts = List.copyOf(facts == null ? List.of() : facts);
    }

    public boolean answerable() {
        return !chunks.isEmpty();
    }
}
