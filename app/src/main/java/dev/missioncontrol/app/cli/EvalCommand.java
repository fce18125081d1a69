package dev.missioncontrol.app.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.missioncontrol.knowledge.eval.EvalQuestion;
import dev.missioncontrol.knowledge.eval.EvalSet;
import dev.missioncontrol.knowledge.eval.Evaluation;
import dev.missioncontrol.knowledge.index.RetrievalMode;
import dev.missioncontrol.knowledge.rag.Ablation;
import dev.missioncontrol.knowledge.rag.PipelineConfig;
import dev.missioncontrol.knowledge.rag.RagPipeline;
import dev.missioncontrol.models.embed.EmbeddingModel;
import dev.missioncontrol.models.generate.Calibration;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code eval}: scores retrieval and answers on the shipped evaluation set, per model and retrieval mode. */
@Command(
        name = "eval",
        mixinStandardHelpOptions = true,
        description = "Score retrieval (recall@1, recall@5, MRR), answers (key-fact accuracy) and refusals on the"
                + " evaluation set, for each embedding model and for hybrid, vector-only and BM25-only retrieval.")
public final class EvalCommand implements Callable<Integer> {
    @Mixin
    PipelineOptions pipeline;

    @Option(
            names = "--json",
            description =
                    "End with one JSON object of the default configuration's scores (or the first evaluated), per set and half.")
    boolean json;

    @Option(
            names = "--models",
            split = ",",
            paramLabel = "ID",
            description = "Embedding models to evaluate (default: all).")
    List<String> models;

    @Option(
            names = "--modes",
            split = ",",
            paramLabel = "MODE",
            description = "Retrieval modes to evaluate: hybrid, vector, bm25 (default: all).")
    List<String> modes;

    @Option(
            names = "--set",
            paramLabel = "NAME",
            description = "Only this evaluation set: handbook (the developers' set) or users (users' wording and"
                    + " near-topic questions the handbook cannot answer). Default: both.")
    String set;

    @Option(
            names = "--without",
            split = ",",
            paramLabel = "PART",
            description =
                    "Measure with a part of answering switched off: glossary, scope, glossary-evidence, vocabulary.")
    List<String> without;

    @Option(
            names = "--cluster",
            arity = "0..1",
            fallbackValue = "",
            paramLabel = "FILE",
            description = "Instead: ask every set through a running cluster (the local one of 'cluster up', or the"
                    + " one of FILE) and score the winner and each node.")
    String cluster;

    @Option(
            names = "--calibrate",
            description = "Instead: for each model, the refusal threshold that best separates answerable from"
                    + " unanswerable questions on the tuning halves of every set, as the calibration centre that"
                    + " gives it, and how it does on the test halves.")
    boolean calibrate;

    @Option(names = "--verbose", description = "List every question a configuration got wrong.")
    boolean verbose;

    @Option(
            names = "--tau",
            description = "Instead: measure the vote's agreement threshold tau on answer pairs known"
                    + " to agree or disagree.")
    boolean tau;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PipelineConfig base = pipeline.toConfig();
        List<EvalQuestion> questions = EvalSet.load();
        if (without != null && (cluster != null || tau)) {
            spec.commandLine()
                    .getErr()
                    .println("error: --without changes this process's pipeline only; it does"
                            + " not apply to --cluster or --tau");
            return 2;
        }
        if (tau) {
            TauMeasurement.Result r = TauMeasurement.run(base, questions, out);
            if (json) {
                out.printf(
                        Locale.ROOT,
                        "{\"tau\":%.2f,\"agreeing_pairs\":%d,\"disagreeing_pairs\":%d,\"errors\":%d,"
                                + "\"agree_median\":%.4f,\"disagree_median\":%.4f}%n",
                        r.tau(),
                        r.agreeing(),
                        r.disagreeing(),
                        r.errors(),
                        r.agreeMedian(),
                        r.disagreeMedian());
            }
            out.flush();
            return 0;
        }
        if (without != null) {
            for (String part : without) {
                if (!Ablation.PARTS.contains(part)) {
                    spec.commandLine().getErr().println("error: --without takes " + Ablation.PARTS + ", not " + part);
                    return 2;
                }
            }
            out.println("without: " + String.join(", ", without));
        }
        String before = System.getProperty(Ablation.PROPERTY);
        if (without != null) {
            System.setProperty(Ablation.PROPERTY, String.join(",", without));
        }
        try {
            return evaluate(base, out);
        } finally {
            if (before == null) {
                System.clearProperty(Ablation.PROPERTY);
            } else {
                System.setProperty(Ablation.PROPERTY, before);
            }
        }
    }

    private int evaluate(PipelineConfig base, PrintWriter out) {
        Map<String, List<EvalQuestion>> sets = EvalSet.all();
        if (set != null) {
            if (!sets.containsKey(set)) {
                spec.commandLine()
                        .getErr()
                        .println("error: no evaluation set '" + set + "'; there are " + sets.keySet());
                return 2;
            }
            sets = Map.of(set, sets.get(set));
        }
        out.println("evaluation sets:");
        sets.forEach((name, qs) -> out.printf(
                Locale.ROOT,
                "  %-9s %3d questions (%d the handbook does not answer): tune %d, test %d%n",
                name,
                qs.size(),
                qs.stream().filter(q -> !q.answerable()).count(),
                EvalSet.half(qs, EvalQuestion.TUNE).size(),
                EvalSet.half(qs, EvalQuestion.TEST).size()));
        if (cluster != null) {
            return askCluster(base, sets, out);
        }
        if (calibrate) {
            return calibrate(base, sets, out);
        }
        out.printf(Locale.ROOT, "generator %s, one pipeline in this process%n", base.generator());
        List<EmbeddingModel> ms = models();
        List<RetrievalMode> rs = modes == null
                ? Arrays.asList(RetrievalMode.values())
                : modes.stream().map(RetrievalMode::parse).toList();
        // --json reports the default configuration, or the first one evaluated when the default is not among them.
        EmbeddingModel reported = ms.contains(base.embeddingModel()) ? base.embeddingModel() : ms.getFirst();
        RetrievalMode reportedMode = rs.contains(base.retrieval()) ? base.retrieval() : rs.getFirst();
        out.printf(Locale.ROOT, "%-9s %-5s %s%n", "set", "half", Evaluation.Scores.header());
        ObjectNode o = new ObjectMapper().createObjectNode();
        ObjectNode bySet = o.putObject("sets");
        for (EmbeddingModel m : ms) {
            try (RagPipeline rag = RagPipeline.open(base.withEmbeddingModel(m))) {
                for (RetrievalMode mode : rs) {
                    boolean isDefault = m == reported && mode == reportedMode;
                    for (var e : sets.entrySet()) {
                        for (String half : List.of(EvalQuestion.TUNE, EvalQuestion.TEST)) {
                            Evaluation.Scores s = Evaluation.run(rag, mode, EvalSet.half(e.getValue(), half));
                            out.printf(Locale.ROOT, "%-9s %-5s %s%n", e.getKey(), half, s.row());
                            if (verbose) {
                                s.misses().forEach(miss -> out.println("    " + miss));
                            }
                            out.flush();
                            if (isDefault) {
                                ObjectNode setNode = bySet.has(e.getKey())
                                        ? (ObjectNode) bySet.get(e.getKey())
                                        : bySet.putObject(e.getKey());
                                scores(setNode.putObject(half), s);
                            }
                        }
                    }
                    if (json && isDefault && sets.containsKey(EvalSet.HANDBOOK)) {
                        // The figures scripts have read from the start: the developers' set as a whole.
                        scores(o, Evaluation.run(rag, mode, sets.get(EvalSet.HANDBOOK)));
                    }
                }
            }
        }
        out.println("r@k, mrr: retrieval of an answering chunk; facts: answers holding every key fact; refusal:"
                + " answer-or-refuse decided right; ans ref: answerable questions refused; un ref: unanswerable"
                + " questions refused; times in ms (ret = index search, emb = question embedding, ans = whole"
                + " answer). Report the test halves: only the tuning halves may be tuned on.");
        if (json) {
            o.put("model", reported.id());
            o.put("mode", reportedMode.name().toLowerCase(Locale.ROOT));
            out.println(o);
        }
        out.flush();
        return 0;
    }

    private int calibrate(PipelineConfig base, Map<String, List<EvalQuestion>> sets, PrintWriter out) {
        List<EmbeddingModel> ms = models();
        out.printf(
                Locale.ROOT,
                "%-22s %8s %8s %10s %10s %10s %10s%n",
                "model",
                "centre",
                "fitted",
                "tune now",
                "tune fit",
                "test now",
                "test fit");
        for (EmbeddingModel m : ms) {
            try (RagPipeline rag = RagPipeline.open(base.withEmbeddingModel(m))) {
                List<Evaluation.Outcome> tune = new ArrayList<>(), test = new ArrayList<>();
                for (List<EvalQuestion> qs : sets.values()) {
                    tune.addAll(Evaluation.run(rag, base.retrieval(), EvalSet.half(qs, EvalQuestion.TUNE))
                            .outcomes());
                    test.addAll(Evaluation.run(rag, base.retrieval(), EvalSet.half(qs, EvalQuestion.TEST))
                            .outcomes());
                }
                double now = base.grounded().refuseBelow();
                double t = Evaluation.bestThreshold(tune);
                Calibration c = Calibration.of(rag.embedder().modelId());
                out.printf(
                        Locale.ROOT,
                        "%-22s %8.3f %8.3f %10.3f %10.3f %10.3f %10.3f%n",
                        m.id(),
                        c.center(),
                        c.center() + (t - now) / c.slope(),
                        Evaluation.balancedAccuracy(tune, now),
                        Evaluation.balancedAccuracy(tune, t),
                        Evaluation.balancedAccuracy(test, now),
                        Evaluation.balancedAccuracy(test, t));
                out.flush();
            }
        }
        out.println("balanced accuracy: the mean of the share of answerable questions answered and of unanswerable"
                + " ones refused; fitted: the centre (Calibration.java) that puts the refusal at the tuning halves'"
                + " best threshold. The test halves are reported, never fitted.");
        return 0;
    }

    /** The models --models names, or all of them. */
    private List<EmbeddingModel> models() {
        return models == null
                ? Arrays.asList(EmbeddingModel.values())
                : models.stream().map(EmbeddingModel::byId).toList();
    }

    private int askCluster(PipelineConfig base, Map<String, List<EvalQuestion>> sets, PrintWriter out) {
        Path file = cluster.isEmpty() ? null : Path.of(cluster);
        try (ClusterAccess c = ClusterAccess.open(base.dataDir(), file)) {
            ObjectNode o = ClusterEval.run(c.client(), sets, out, new ObjectMapper().createObjectNode());
            if (json) {
                out.println(o);
            }
            out.flush();
            return 0;
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println("error: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            spec.commandLine().getErr().println("error: interrupted");
            return 1;
        } catch (Exception e) {
            spec.commandLine()
                    .getErr()
                    .println("error: the cluster did not answer: "
                            + (e.getMessage() != null
                                    ? e.getMessage()
                                    : e.getClass().getSimpleName()));
            return 1;
        }
    }

    private static void scores(ObjectNode o, Evaluation.Scores d) {
        o.put("questions", d.questions());
        o.put("recall_at_1", round(d.recallAt1()));
        o.put("recall_at_5", round(d.recallAt5()));
        o.put("mrr", round(d.mrr()));
        o.put("key_fact_accuracy", round(d.keyFactAccuracy()));
        o.put("refusal_accuracy", round(d.refusalAccuracy()));
        o.put("answerable_refused", round(d.answerableRefused()));
        o.put("unanswerable_refused", round(d.unanswerableRefused()));
        o.put("retrieval_p50_ms", round(d.retrievalP50Millis()));
        o.put("query_embed_p50_ms", round(d.embedP50Millis()));
        o.put("answer_p50_ms", round(d.answerP50Millis()));
    }

    private static double round(double x) {
        return Math.round(x * 10000) / 10000.0;
    }
}
