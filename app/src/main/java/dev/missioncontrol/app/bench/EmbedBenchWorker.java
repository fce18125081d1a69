package dev.missioncontrol.app.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.missioncontrol.app.Main;
import dev.missioncontrol.cluster.node.ProcessStats;
import dev.missioncontrol.knowledge.eval.EvalQuestion;
import dev.missioncontrol.knowledge.eval.EvalSet;
import dev.missioncontrol.knowledge.eval.Evaluation;
import dev.missioncontrol.knowledge.rag.AskResult;
import dev.missioncontrol.knowledge.rag.PipelineConfig;
import dev.missioncontrol.knowledge.rag.RagPipeline;
import dev.missioncontrol.models.embed.EmbeddingModel;
import dev.missioncontrol.models.embed.OnnxEmbedder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Measures one embedding model in a JVM of its own, so its memory figures are its own: single-sentence latency and
 * throughput (each evaluation question embedded alone, as on every query), then one whole pipeline (index build from scratch, retrieval, grounded answers). Prints one JSON line.
 *
 * <p>Arguments: {@code MODEL_ID SAMPLES MODEL_CACHE_DIR}.
 */
public final class EmbedBenchWorker {
    private EmbedBenchWorker() {}

    public static void main(String[] args) throws IOException {
        Main.quietLibraries();
        EmbeddingModel model = EmbeddingModel.byId(args[0]);
        int samples = Integer.parseInt(args[1]);
        Path cache = Path.of(args[2]);
        // The latency-critical single sentence is an operator's question, embedded on every query.
        List<String> sentences =
                EvalSet.load().stream().map(EvalQuestion::question).toList();
        Path data = Files.createTempDirectory("mc-bench-");
        PipelineConfig config = PipelineConfig.defaults(data).withEmbeddingModel(model);
        ObjectNode o = new ObjectMapper().createObjectNode();
        o.put("model", model.id());
        o.put("threads", config.threads());
        long t0 = System.nanoTime();
        try (OnnxEmbedder embedder = OnnxEmbedder.load(model, cache, config.threads())) {
            o.put("load_ms", round((System.nanoTime() - t0) / 1e6));
            for (int i = 0; i < 50; i++) {
                embedder.embedQuery(sentences.get(i % sentences.size()));
            }
            double[] ms = new double[samples];
            long start = System.nanoTime();
            for (int i = 0; i < samples; i++) {
                long s = System.nanoTime();
                embedder.embedQuery(sentences.get(i % sentences.size()));
                ms[i] = (System.nanoTime() - s) / 1e6;
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            Arrays.sort(ms);
            o.put("samples", samples);
            o.put("p50_ms", round(Percentiles.ofSorted(ms, 0.5)));
            o.put("p99_ms", round(Percentiles.ofSorted(ms, 0.99)));
            o.put("sentences_per_s", round(samples / seconds));
        }
        try {
            Files.createSymbolicLink(data.resolve("models"), cache.toAbsolutePath());
            try (RagPipeline rag = RagPipeline.open(config)) {
                o.put("index_build_ms", rag.knowledge().index().buildMillis());
                o.put("chunks", rag.knowledge().index().size());
                List<Double> retrieval = new ArrayList<>(), answer = new ArrayList<>();
                List<EvalQuestion> questions = EvalSet.load();
                for (int round = 0; round < 2; round++) {
                    for (EvalQuestion q : questions) {
                        AskResult r = rag.ask(q.question());
                        if (round == 1) {
                            retrieval.add(r.retrieveMillis());
                            answer.add(r.totalMillis());
                        }
                    }
                }
                o.put("retrieval_p50_ms", round(Evaluation.median(retrieval)));
                o.put("answer_p50_ms", round(Evaluation.median(answer)));
            }
        } finally {
            try (Stream<Path> walk = Files.walk(data)) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
        o.put("peak_rss_mb", round(ProcessStats.peakRssMb()));
        System.out.println(o);
    }

    private static double round(double x) {
        return Math.round(x * 100) / 100.0;
    }
}
