package dev.missioncontrol.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.missioncontrol.app.bench.Percentiles;
import dev.missioncontrol.cluster.client.ClusterClient;
import dev.missioncontrol.cluster.config.ClusterSpec;
import dev.missioncontrol.cluster.config.GeneratorSpec;
import dev.missioncontrol.cluster.supervisor.ClusterFiles;
import dev.missioncontrol.cluster.supervisor.Supervisor;
import dev.missioncontrol.knowledge.eval.EvalQuestion;
import dev.missioncontrol.knowledge.eval.EvalSet;
import dev.missioncontrol.models.embed.EmbeddingModel;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code bench generators}: what the HTTP path of the {@code openai} generator costs a cluster. The same 3-node
 * loopback cluster (all MiniLM) is measured twice — every node on the grounded generator, then every node on an
 * OpenAI-compatible server in this process that answers at once (the first passage it is given, cited, streamed as
 * one event) — so the difference is the prompt, the HTTP round trip and the parse, not a model's speed.
 */
final class GeneratorBench {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern FIRST_PASSAGE = Pattern.compile("\\[([A-Za-z0-9_./#-]+)\\] [^\\n]*\\n([^\\n]+)");

    private GeneratorBench() {}

    static ObjectNode run(Path dataDir, int queries, PrintWriter out) throws Exception {
        ObjectNode o = JSON.createObjectNode();
        List<String> all = EvalSet.load().stream()
                .filter(EvalQuestion::answerable)
                .map(EvalQuestion::question)
                .toList();
        List<String> warmUp = all.subList(0, Math.min(60, all.size() / 2));
        List<String> timed = all.subList(warmUp.size(), Math.min(all.size(), warmUp.size() + queries));
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/v1/models", ex -> reply(ex, "{\"data\":[{\"id\":\"instant\"}]}"));
        server.createContext("/v1/chat/completions", GeneratorBench::instant);
        server.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(4));
        server.start();
        try {
            String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
            double grounded = measure(dataDir, "grounded", GeneratorSpec.GROUNDED, warmUp, timed, o, out);
            double http = measure(
                    dataDir, "openai", new GeneratorSpec("openai", "", url, "instant", ""), warmUp, timed, o, out);
            o.put("http_path_overhead_p50_ms", Math.round((http - grounded) * 10) / 10.0);
            out.printf(
                    Locale.ROOT,
                    "the HTTP path adds %.1f ms to the consensus p50 (%.0f → %.0f ms)%n",
                    http - grounded,
                    grounded,
                    http);
        } finally {
            server.stop(0);
        }
        return o;
    }

    private static double measure(
            Path dataDir,
            String name,
            GeneratorSpec generator,
            List<String> warmUp,
            List<String> timed,
            ObjectNode o,
            PrintWriter out)
            throws Exception {
        ClusterFiles files = ClusterFiles.cli(dataDir.resolve("bench-generators-" + name));
        ClusterSpec spec =
                ClusterSpec.loopback(3, List.of(EmbeddingModel.MINILM.id())).withGenerators(Map.of("all", generator));
        files.deleteRaftDirs(spec);
        files.create(spec);
        List<Double> ms = new ArrayList<>();
        try (Supervisor supervisor = Supervisor.owned(
                        files, spec, dataDir.resolve("models"), List.of(), new Supervisor.Listener() {});
                ClusterClient client = new ClusterClient(spec)) {
            dev.missioncontrol.app.bench.BenchClusters.startReady(supervisor, client, 240_000);
            if (generator.kind().equals("grounded")) {
                ClusterBench.awaitSentences(client, out); // only the grounded generator ranks sentences
            }
            ClusterBench.rawCommits(client, 500);
            ClusterBench.concurrently(client, warmUp, 4);
            for (String q : timed) {
                long t = System.nanoTime();
                client.submit(q).get(60, TimeUnit.SECONDS);
                ms.add((System.nanoTime() - t) / 1e6);
            }
        }
        double p50 = Percentiles.of(ms, 0.5);
        double p99 = Percentiles.of(ms, 0.99);
        out.printf(
                Locale.ROOT,
                "%-9s (%s): consensus p50 %.0f ms, p99 %.0f ms over %d questions%n",
                name,
                generator.describe(),
                p50,
                p99,
                ms.size());
        out.flush();
        ObjectNode x = o.putObject(name);
        x.put("consensus_p50_ms", Math.round(p50 * 10) / 10.0);
        x.put("consensus_p99_ms", Math.round(p99 * 10) / 10.0);
        x.put("questions", ms.size());
        return p50;
    }

    /** A model that answers at once: the first passage it was given, cited, as one streamed event. */
    private static void instant(HttpExchange ex) throws IOException {
        JsonNode request = JSON.readTree(ex.getRequestBody());
        Matcher m = FIRST_PASSAGE.matcher(
                request.path("messages").path(1).path("content").asText());
        ObjectNode answer = JSON.createObjectNode();
        if (m.find()) {
            answer.put("answer", m.group(2)).putArray("citations").add(m.group(1));
        } else {
            answer.put("answer", "The handbook does not cover it.").putArray("citations");
        }
        answer.put("confidence", 0.8).put("action", "inform");
        ObjectNode chunk = JSON.createObjectNode();
        chunk.putArray("choices").addObject().putObject("delta").put("content", answer.toString());
        reply(ex, "data: " + chunk + "\n\ndata: [DONE]\n\n");
    }

    private static void reply(HttpExchange ex, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(200, b.length);
        ex.getResponseBody().write(b);
        ex.close();
    }
}
