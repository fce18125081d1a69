package dev.missioncontrol.app.cli;

import dev.missioncontrol.knowledge.KnowledgeBase;
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
        description = "Add Markdown, plain-text or PDF documents to the knowledge base of the data directory. All"
                + " files are checked first: one bad file changes nothing. Re-ingesting a file replaces it.")
public final class IngestCommand implements Callable<Integer> {
    @Mixin
    PipelineOptions pipeline;

    @Parameters(paramLabel = "FILE", arity = "1..*", description = "Documents (.md, .markdown, .txt, .pdf).")
    List<Path> files;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PipelineConfig config = pipeline.toConfig();
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
}
