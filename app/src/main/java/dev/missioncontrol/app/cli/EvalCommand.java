package dev.missioncontrol.app.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.missioncontrol.knowledge.eval.EvalQuestion;
import dev.missioncontrol.knowledge.eval.EvalSet;
import dev.missioncontrol.knowledge.eval.Evaluation;
import dev.missioncontrol.knowledge.index.RetrievalMode;
import dev.missioncontrol.knowledge.rag.PipelineConfig;
import dev.missioncontrol.knowledge.rag.RagPipeline;
import dev.missioncontrol.models.embed.EmbeddingModel;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
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

    @Option(names = "--json", description = "End with one JSON object of the default configuration's scores.")
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
        long unanswerable = questions.stream().filter(q -> !q.answerable()).count();
        out.printf(
                Locale.ROOT,
                "evaluation set: %d questions (%d the handbook does not answer); generator %s%n",
                questions.size(),
                unanswerable,
                base.generator());
        List<EmbeddingModel> ms = models == null
                ? Arrays.asList(EmbeddingModel.values())
                : models.stream().map(EmbeddingModel::byId).toList();
        List<RetrievalMode> rs = modes == null
                ? Arrays.asList(RetrievalMode.values())
                : modes.stream().map(RetrievalMode::parse).toList();
        out.println(Evaluation.Scores.header());
        List<Evaluation.Scores> all = new ArrayList<>();
        for (EmbeddingModel m : ms) {
            try (RagPipeline rag = RagPipeline.open(base.withEmbeddingModel(m))) {
                for (RetrievalMode mode : rs) {
                    Evaluation.Scores s = Evaluation.run(rag, mode, questions);
                    all.add(s);
                    out.println(s.row());
                    if (verbose) {
                        s.misses().forEach(miss -> out.println("    " + miss));
                    }
                    out.flush();
                }
            }
        }
        out.println("r@k, mrr: retrieval of an answering chunk; facts: answers holding every key fact; refusal:"
                + " answer-or-refuse decided right; times in ms (ret = index search, emb = question embedding,"
                + " ans = whole answer).");
        if (json) {
            Evaluation.Scores d = all.stream()
                    .filter(s -> s.model().equals(base.embeddingModel().id()) && s.mode() == base.retrieval())
                    .findFirst()
                    .orElse(all.getFirst());
            ObjectNode o = new ObjectMapper().createObjectNode();
            o.put("model", d.model());
            o.put("mode", d.mode().name().toLowerCase(Locale.ROOT));
            o.put("questions", d.questions());
            o.put("recall_at_1", round(d.recallAt1()));
            o.put("recall_at_5", round(d.recallAt5()));
            o.put("mrr", round(d.mrr()));
            o.put("key_fact_accuracy", round(d.keyFactAccuracy()));
            o.put("refusal_accuracy", round(d.refusalAccuracy()));
            o.put("retrieval_p50_ms", round(d.retrievalP50Millis()));
            o.put("query_embed_p50_ms", round(d.embedP50Millis()));
            o.put("answer_p50_ms", round(d.answerP50Millis()));
            out.println(o);
        }
        out.flush();
        return 0;
    }

    private static double round(double x) {
        return Math.round(x * 10000) / 10000.0;
    }
}
