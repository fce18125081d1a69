package dev.missioncontrol.knowledge.eval;

import dev.missioncontrol.knowledge.index.RetrievalMode;
import dev.missioncontrol.knowledge.rag.AskResult;
import dev.missioncontrol.knowledge.rag.RagPipeline;
import dev.missioncontrol.models.generate.Passage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Runs the evaluation set through a pipeline and scores retrieval and answers.
 *
 * <ul>
 *   <li>recall@k: share of answerable questions with an answering chunk among the first k passages;
 *   <li>MRR: mean of 1 / rank of the first answering chunk (0 when not in the top {@code topK});
 *   <li>key-fact accuracy: share of answerable questions whose answer is not a refusal and contains every key fact
 *       (case-insensitive);
 *   <li>refusal accuracy: share of all questions where the answer-or-refuse decision is right (refuse exactly the
 *       unanswerable ones); and apart, the share of answerable questions refused and of unanswerable ones refused;
 *   <li>retrieval p50: median time of the index search alone, and of embedding the question.
 * </ul>
 */
public final class Evaluation {
    private Evaluation() {}

    /** Scores of one configuration, plus the questions it got wrong. */
    public record Scores(
            String model,
            RetrievalMode mode,
            int questions,
            double recallAt1,
            double recallAt5,
            double mrr,
            double keyFactAccuracy,
            double refusalAccuracy,
            double answerableRefused,
            double unanswerableRefused,
            double retrievalP50Millis,
            double embedP50Millis,
            double answerP50Millis,
            List<String> misses,
            List<Outcome> outcomes) {

        public String row() {
            return String.format(
                    Locale.ROOT,
                    "%-22s %-7s %5.3f %5.3f %5.3f %7.3f %7.3f %7.3f %7.3f %8.2f %8.2f %8.2f",
                    model,
                    mode.name().toLowerCase(Locale.ROOT),
                    recallAt1,
                    recallAt5,
                    mrr,
                    keyFactAccuracy,
                    refusalAccuracy,
                    answerableRefused,
                    unanswerableRefused,
                    retrievalP50Millis,
                    embedP50Millis,
                    answerP50Millis);
        }

        public static String header() {
            return String.format(
                    Locale.ROOT,
                    "%-22s %-7s %5s %5s %5s %7s %7s %7s %7s %8s %8s %8s",
                    "model",
                    "mode",
                    "r@1",
                    "r@5",
                    "mrr",
                    "facts",
                    "refusal",
                    "ans ref",
                    "un ref",
                    "ret p50",
                    "emb p50",
                    "ans p50");
        }
    }

    /** How one question went: whether it was answerable, the answer's confidence, and whether it was refused. */
    public record Outcome(String id, boolean answerable, double confidence, boolean refused) {}

    /**
     * The refusal threshold on confidence that best separates answerable from unanswerable questions: the mean of
     * the share of answerable ones answered and of unanswerable ones refused is highest (ties: the one nearest 0.5).
     * A question refused at confidence 0 (outside the knowledge's scope) stays refused at any threshold.
     */
    public static double bestThreshold(List<Outcome> outcomes) {
        double best = 0.5, bestScore = -1;
        for (int i = 0; i <= 1000; i++) {
            double t = i / 1000.0;
            double score = balancedAccuracy(outcomes, t);
            if (score > bestScore + 1e-9
                    || (Math.abs(score - bestScore) <= 1e-9 && Math.abs(t - 0.5) < Math.abs(best - 0.5))) {
                best = t;
                bestScore = score;
            }
        }
        return best;
    }

    /** Mean of the share of answerable questions answered and of unanswerable ones refused, refusing below t. */
    public static double balancedAccuracy(List<Outcome> outcomes, double t) {
        int a = 0, aOk = 0, u = 0, uOk = 0;
        for (Outcome o : outcomes) {
            boolean refused = o.confidence() < t || (o.refused() && o.confidence() == 0);
            if (o.answerable()) {
                a++;
                aOk += refused ? 0 : 1;
            } else {
                u++;
                uOk += refused ? 1 : 0;
            }
        }
        return (ratio(aOk, a) + ratio(uOk, u)) / 2;
    }

    public static Scores run(RagPipeline pipeline, RetrievalMode mode, List<EvalQuestion> questions) {
        int answerable = 0,
                hit1 = 0,
                hit5 = 0,
                factOk = 0,
                decisionOk = 0,
                answerableRefused = 0,
                unanswerableRefused = 0;
        double rr = 0;
        List<Double> retrieval = new ArrayList<>(), embed = new ArrayList<>(), answer = new ArrayList<>();
        List<String> misses = new ArrayList<>();
        List<Outcome> outcomes = new ArrayList<>();
        for (EvalQuestion q : questions) {
            AskResult r = pipeline.ask(q.question(), mode, t -> {});
            retrieval.add(r.retrieveMillis());
            embed.add(r.embedMillis());
            answer.add(r.totalMillis());
            boolean refused = r.answer().refused();
            outcomes.add(new Outcome(q.id(), q.answerable(), r.answer().confidence(), refused));
            if (refused != q.answerable()) {
                decisionOk++;
            } else {
                misses.add(q.id() + (refused ? " refused" : " answered") + " (confidence "
                        + r.answer().confidence() + "): " + q.question());
            }
            if (!q.answerable()) {
                unanswerableRefused += refused ? 1 : 0;
                continue;
            }
            answerable++;
            answerableRefused += refused ? 1 : 0;
            int rank = 0;
            List<Passage> ps = r.passages();
            for (int i = 0; i < ps.size(); i++) {
                if (q.chunks().contains(ps.get(i).chunk())) {
                    rank = i + 1;
                    break;
                }
            }
            if (rank == 1) {
                hit1++;
            }
            if (rank >= 1 && rank <= 5) {
                hit5++;
            }
            if (rank > 0) {
                rr += 1.0 / rank;
            } else {
                misses.add(q.id() + " retrieval missed " + q.chunks());
            }
            String text = r.answer().answer().toLowerCase(Locale.ROOT);
            boolean allFacts = !refused && q.factsIn(text);
            if (allFacts) {
                factOk++;
            } else if (!refused) {
                misses.add(q.id() + " lacks facts "
                        + q.facts().stream()
                                .filter(f -> !text.contains(f.toLowerCase(Locale.ROOT)))
                                .toList());
            }
        }
        return new Scores(
                pipeline.embedder().modelId(),
                mode,
                questions.size(),
                ratio(hit1, answerable),
                ratio(hit5, answerable),
                answerable == 0 ? 0 : rr / answerable,
                ratio(factOk, answerable),
                ratio(decisionOk, questions.size()),
                ratio(answerableRefused, answerable),
                ratio(unanswerableRefused, questions.size() - answerable),
                median(retrieval),
                median(embed),
                median(answer),
                List.copyOf(misses),
                List.copyOf(outcomes));
    }

    private static double ratio(int a, int b) {
        return b == 0 ? 0 : (double) a / b;
    }

    /** Median of the values (mean of the middle two for an even count). */
    public static double median(List<Double> values) {
        if (values.isEmpty()) {
            return 0;
        }
        double[] v = values.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }
}
