package dev.missioncontrol.knowledge.rag;

import dev.missioncontrol.models.generate.Answer;
import dev.missioncontrol.models.generate.Passage;
import java.util.List;

/**
 * One answered question with what it took.
 *
 * @param question the question as answered (truncated when it did not fit the model window)
 * @param warnings what the operator should know about the input, for example truncation
 * @param embedMillis time to embed the question
 * @param retrieveMillis time to search the index
 * @param generateMillis time to compose the answer
 */
public record AskResult(
        String question,
        Answer answer,
        List<Passage> passages,
        List<String> warnings,
        double embedMillis,
        double retrieveMillis,
        double generateMillis) {

    public double totalMillis() {
        return embedMillis + retrieveMillis + generateMillis;
    }
}
