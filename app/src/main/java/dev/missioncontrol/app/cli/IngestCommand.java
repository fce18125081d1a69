package dev.missioncontrol.app.cli;

import dev.missioncontrol.cluster.supervisor.ClusterFiles;
import dev.missioncontrol.knowledge.KnowledgeBase;
import dev.missioncontrol.knowledge.ingest.DocumentReader;
import dev.missioncontrol.knowledge.ingest.IngestException;
import dev.missioncontrol.knowledge.rag.PipelineConfig;
import dev.missioncontrol.models.embed.OnnxEmbedder;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code ingest FILE…}: adds the user's documents to the local knowledge base, all or nothing. */
@Command(
        name = "ingest",
        mixinStandardHelpOptions = true,
        description = "Add Markdown, plain-text or PDF documents to every node's knowledge base through the cluster"
                + " log (or, with --local, to the local knowledge base). All files are checked first: one bad file"
                + " changes nothing. Re-ingesting a file replaces it.")
public final class IngestCommand implements Callable<Integer> {
    @Mixin
    PipelineOptions pipeline;

    @Parameters(paramLabel = "FILE", arity = "1..*", description = "Documents (.md, .markdown, .txt, .pdf).")
    List<Path> files;

    @picocli.CommandLine.Option(names = "--local", description = "Ingest into this machine's local knowledge base.")
    boolean local;

    @picocli.CommandLine.Option(
            names = "--cluster",
            paramLabel = "FILE",
            description = "Cluster file (default: the local cluster).")
    Path clusterFile;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PipelineConfig config = pipeline.toConfig();
        if (!local) {
            return throughCluster(config, out);
        }
        try (var embedder = OnnxEmbedder.load(
                        config.embeddingModel(), config.dataDir().resolve("models"), config.threads());
                KnowledgeBase kb = KnowledgeBase.open(config.dataDir(), embedder)) {
            KnowledgeBase.IngestReport report = kb.ingest(files);
            report.chunksPerDocument().forEach((doc, n) -> out.printf("ingested %s: %d chunks%n", doc, n));
            out.printf(
                    "knowledge base %s now holds %d chunks (%s index)%n",
                    config.dataDir(), kb.index().size(), embedder.modelId());
            return 0;
        } catch (IngestException e) {
            spec.commandLine().getErr().println("error: " + e.getMessage() + " The knowledge base is unchanged.");
            return 1;
        }
    }

    private int throughCluster(PipelineConfig config, PrintWriter out) {
        var cluster = ClusterFiles.cli(config.dataDir()).spec(clusterFile);
        List<DocumentReader.ReadDocument> docs = new java.util.ArrayList<>();
        try {
            for (Path f : files) {
                docs.add(DocumentReader.read(f));
            }
        } catch (IngestException e) {
            spec.commandLine().getErr().println("error: " + e.getMessage() + " Nothing was sent to the cluster.");
            return 1;
        }
        try (var client = new dev.missioncontrol.cluster.client.ClusterClient(cluster)) {
            for (DocumentReader.ReadDocument d : docs) {
                long index = client.ingest(
                                d.doc(), d.markdown(), d.source().getFileName().toString())
                        .get(cluster.deadlineMillis() + 5_000, java.util.concurrent.TimeUnit.MILLISECONDS);
                out.printf("logged %s at index %d; every node indexes it in log order%n", d.doc(), index);
            }
            return 0;
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            spec.commandLine().getErr().println("error: " + (e.getCause() == null ? e : e.getCause()).getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }
}
