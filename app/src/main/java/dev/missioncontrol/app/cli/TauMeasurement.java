package dev.missioncontrol.app.cli;

import dev.missioncontrol.app.bench.Percentiles;
import dev.missioncontrol.cluster.vote.Vote;
import dev.missioncontrol.knowledge.eval.EvalQuestion;
import dev.missioncontrol.knowledge.rag.PipelineConfig;
import dev.missioncontrol.knowledge.rag.RagPipeline;
import dev.missioncontrol.models.embed.Embedder;
import dev.missioncontrol.models.embed.EmbeddingModel;
import dev.missioncontrol.models.embed.OnnxEmbedder;
import dev.missioncontrol.models.generate.Answer;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Measures the vote's agreement threshold τ on the evaluation set. Each retrieval model of the default cluster
 * answers every question; then, with the voting model (MiniLM):
 *
 * <ul>
 *   <li><b>agreeing pairs</b>: two models' answers to the same question, both holding every key fact;
 *   <li><b>disagreeing pairs</b>: a correct answer to one question against a correct answer to another question of
 *       the same handbook document — fluent, on topic and wrong, which is what a hallucinating node says.
 * </ul>
 *
 * τ is the threshold that separates the two sets with the fewest errors (ties: the midpoint of the widest gap).
 */
final class TauMeasurement {
    private TauMeasurement() {}

    record Result(double tau, int agreeing, int disagreeing, int errors, double agreeMedian, double disagreeMedian) {}

    static Result run(PipelineConfig base, List<EvalQuestion> questions, PrintWriter out) {
        List<EmbeddingModel> models = List.of(EmbeddingModel.MINILM, EmbeddingModel.BGE_SMALL, EmbeddingModel.E5_SMALL);
        Map<EmbeddingModel, Map<String, Answer>> answers = new LinkedHashMap<>();
        for (EmbeddingModel m : models) {
            try (RagPipeline rag = RagPipeline.open(base.withEmbeddingModel(m).withThreads(2))) {
                Map<String, Answer> byQuestion = new LinkedHashMap<>();
                for (EvalQuestion q : questions) {
                    if (q.answerable()) {
                        byQuestion.put(q.id(), rag.ask(q.question()).answer());
                    }
                }
                answers.put(m, byQuestion);
                out.printf("answered %d questions with %s%n", byQuestion.size(), m.id());
                out.flush();
            }
        }
        List<Double> agree = new ArrayList<>(), disagree = new ArrayList<>();
        // The voting model alone: no index or generator is needed to compare answers.
        try (OnnxEmbedder voter = OnnxEmbedder.load(Vote.MODEL, base.dataDir().resolve("models"), 2)) {
            List<EvalQuestion> answerable =
                    questions.stream().filter(EvalQuestion::answerable).toList();
            for (int i = 0; i < answerable.size(); i++) {
                EvalQuestion q = answerable.get(i);
                for (int a = 0; a < models.size(); a++) {
                    Answer x = answers.get(models.get(a)).get(q.id());
                    if (!correct(q, x)) {
                        continue;
                    }
                    for (int b = a + 1; b < models.size(); b++) {
                        Answer y = answers.get(models.get(b)).get(q.id());
                        if (correct(q, y)) {
                            agree.add(similarity(voter, x, y));
                        }
                    }
                    EvalQuestion other = neighbour(answerable, i);
                    Answer z = other == null ? null : answers.get(models.get(a)).get(other.id());
                    if (z != null && correct(other, z) && !z.answer().equals(x.answer())) {
                        disagree.add(similarity(voter, x, z));
                    }
                }
            }
        }
        double[] ag = agree.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double[] dg =
                disagree.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double bestTau = 0.5;
        int bestErrors = Integer.MAX_VALUE;
        for (int t = 300; t <= 990; t++) {
            double tau = t / 1000.0;
            int errors = count(ag, x -> x < tau) + count(dg, x -> x >= tau);
            if (errors < bestErrors) {
                bestErrors = errors;
                bestTau = tau;
            }
        }
        // Among equally good thresholds, take the middle of the run.
        double lo = bestTau, hi = bestTau;
        while (hi + 0.001 <= 0.99 && errorsAt(ag, dg, hi + 0.001) == bestErrors) {
            hi += 0.001;
        }
        double tau = Math.round((lo + hi) / 2 * 100) / 100.0;
        Result r = new Result(
                tau,
                ag.length,
                dg.length,
                errorsAt(ag, dg, tau),
                Percentiles.ofSorted(ag, 0.5),
                Percentiles.ofSorted(dg, 0.5));
        out.printf(
                Locale.ROOT,
                "agreeing pairs: %d, similarity median %.3f, 5th percentile %.3f%n",
                ag.length,
                Percentiles.ofSorted(ag, 0.5),
                Percentiles.ofSorted(ag, 0.05));
        out.printf(
                Locale.ROOT,
                "disagreeing pairs: %d, similarity median %.3f, 95th percentile %.3f%n",
                dg.length,
                Percentiles.ofSorted(dg, 0.5),
                Percentiles.ofSorted(dg, 0.95));
        out.printf(
                Locale.ROOT,
                "tau = %.2f misclassifies %d of %d pairs (%.1f %%)%n",
                tau,
                r.errors(),
                ag.length + dg.length,
                100.0 * r.errors() / Math.max(1, ag.length + dg.length));
        return r;
    }

    private static int errorsAt(double[] ag, double[] dg, double tau) {
        return count(ag, x -> x < tau) + count(dg, x -> x >= tau);
    }

    private static EvalQuestion neighbour(List<EvalQuestion> answerable, int i) {
        EvalQuestion q = answerable.get(i);
        String prefix = q.chunks().getFirst().split("-")[0];
        for (int k = 1; k < answerable.size(); k++) {
            EvalQuestion o = answerable.get((i + k) % answerable.size());
            if (o.chunks().getFirst().startsWith(prefix + "-")
                    && o.chunks().stream().noneMatch(q.chunks()::contains)) {
                return o;
            }
        }
        return null;
    }

    private static boolean correct(EvalQuestion q, Answer a) {
        if (a == null || a.refused()) {
            return false;
        }
        String text = a.answer().toLowerCase(Locale.ROOT);
        return q.facts().stream().allMatch(f -> text.contains(f.toLowerCase(Locale.ROOT)));
    }

    private static double similarity(Embedder voter, Answer a, Answer b) {
        return Embedder.cosine(voter.embedSymmetric(a.answer()), voter.embedSymmetric(b.answer()));
    }

    private static int count(double[] v, java.util.function.DoublePredicate p) {
        return (int) Arrays.stream(v).filter(p).count();
    }
}
