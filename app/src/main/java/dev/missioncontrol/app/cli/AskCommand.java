package dev.missioncontrol.app.cli;

import dev.missioncontrol.cluster.supervisor.ClusterFiles;
import dev.missioncontrol.knowledge.rag.AskResult;
import dev.missioncontrol.knowledge.rag.Questions;
import dev.missioncontrol.knowledge.rag.RagPipeline;
import dev.missioncontrol.models.generate.Passage;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ask "question"}: through the cluster's log, printing the decision (status first, then the winning answer,
 * every node's answer and the similarity matrix); {@code ask --local}: one pipeline in this process prints its JSON
 * answer.
 */
@Command(
        name = "ask",
        mixinStandardHelpOptions = true,
        description = "Ask the cluster (the decision: status, winner, every answer, the matrix). With --local, one"
                + " pipeline in this process prints its JSON answer.")
public final class AskCommand implements Callable<Integer> {
    @Mixin
    PipelineOptions pipeline;

    @Option(names = "--local", description = "Answer with one local pipeline, without a cluster.")
    boolean local;

    @Option(names = "--explain", description = "Also print the retrieved passages and timings (to stderr).")
    boolean explain;

    @Option(names = "--stream", description = "Print the answer text as it is generated (to stderr).")
    boolean stream;

    @Option(names = "--json", description = "Print the cluster's decision as one JSON object.")
    boolean json;

    @Option(names = "--cluster", paramLabel = "FILE", description = "Cluster file (default: the local cluster).")
    java.nio.file.Path clusterFile;

    @Parameters(paramLabel = "QUESTION", arity = "1..*", description = "The question (quote it).")
    String[] words;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String question = String.join(" ", words);
        if (question.isBlank()) {
            err.println("error: the question is empty. Example: ask \"What is the main bus voltage?\"");
            return 2;
        }
        if (Questions.problem(question) != null) {
            err.println("error: " + Questions.problem(question));
            return 2;
        }
        if (!local) {
            java.nio.file.Path data = pipeline.toConfig().dataDir();
            return ClusterAsk.run(
                    ClusterFiles.cli(data).spec(clusterFile),
                    dev.missioncontrol.cluster.faults.AuditJournal.in(data),
                    question,
                    json,
                    out,
                    err);
        }
        try (RagPipeline rag = RagPipeline.open(pipeline.toConfig())) {
            AskResult r = rag.ask(
                    question,
                    stream
                            ? t -> {
                                err.print(t);
                                err.flush();
                            }
                            : t -> {});
            if (stream) {
                err.println();
            }
            r.warnings().forEach(w -> err.println("warning: " + w));
            if (explain) {
                err.printf(
                        Locale.ROOT,
                        "generator %s, retrieval %s over %s%n",
                        rag.generator().describe(),
                        rag.config().retrieval().name().toLowerCase(Locale.ROOT),
                        rag.embedder().modelId());
                for (Passage p : r.passages()) {
                    err.printf(Locale.ROOT, "  %-40s similarity %.3f  %s%n", p.chunk(), p.similarity(), p.section());
                }
                err.printf(
                        Locale.ROOT,
                        "embed %.1f ms, retrieve %.1f ms, generate %.1f ms%n",
                        r.embedMillis(),
                        r.retrieveMillis(),
                        r.generateMillis());
            }
            out.println(r.answer().toJson());
            out.flush();
            return 0;
        }
    }
}
