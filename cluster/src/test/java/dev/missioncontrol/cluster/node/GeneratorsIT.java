package dev.missioncontrol.cluster.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.missioncontrol.cluster.config.ClusterSpec;
import dev.missioncontrol.cluster.config.GeneratorSpec;
import dev.missioncontrol.cluster.proto.Answer;
import dev.missioncontrol.cluster.proto.DecisionStatus;
import dev.missioncontrol.cluster.proto.NodeStatus;
import dev.missioncontrol.cluster.proto.QueryRecord;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Four node JVMs, each with its own generator from the cluster file: n1 the grounded one, n2 a loopback
 * OpenAI-compatible server that answers from the first passage it was given, n3 a server whose replies are not JSON,
 * n4 llama.cpp in process on a tiny GGUF the test writes.
 * Each node's generator is really called; the broken one's answer is a marked failure, never an empty or invented one,
 * and its node stays up. A node whose server does not answer refuses to start, saying which URL.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class GeneratorsIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern FIRST_PASSAGE = Pattern.compile("\\[([A-Za-z0-9_./#-]+)\\] [^\\n]*\\n([^\\n]+)");

    @TempDir
    static Path root;

    static HttpServer server;
    static LocalCluster cluster;
    static final AtomicInteger goodCalls = new AtomicInteger();
    static final AtomicInteger brokenCalls = new AtomicInteger();

    @BeforeAll
    static void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        for (String path : List.of("/good", "/broken")) {
            server.createContext(path + "/v1/models", ex -> reply(ex, "{\"data\":[{\"id\":\"stub-1\"}]}"));
        }
        server.createContext("/good/v1/chat/completions", GeneratorsIT::good);
        server.createContext("/broken/v1/chat/completions", ex -> {
            brokenCalls.incrementAndGet();
            reply(ex, "{\"choices\":[{\"message\":{\"content\":\"Sure! The bus is at 28 V, I think.\"}}]}");
        });
        server.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(4));
        server.start();
        String base = "http://127.0.0.1:" + server.getAddress().getPort();
        Path gguf = dev.missioncontrol.models.generate.TinyGguf.write(root.resolve("tiny.gguf"), 7);
        cluster = new LocalCluster(
                root,
                4,
                List.of(),
                6_000,
                Map.of(
                        "n2", new GeneratorSpec("openai", "", base + "/good/v1", "stub-1", ""),
                        "n3", new GeneratorSpec("openai", "", base + "/broken/v1", "stub-1", ""),
                        "n4", new GeneratorSpec("llama", gguf.toString(), "", "", "")));
        cluster.await("a leader", Duration.ofSeconds(120), () -> cluster.leader() != null);
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
        if (server != null) {
            server.stop(0);
        }
    }

    /** Answers with the first passage it was given, citing it: the shape a real model's grounded answer has. */
    private static void good(HttpExchange ex) throws IOException {
        goodCalls.incrementAndGet();
        JsonNode request = JSON.readTree(ex.getRequestBody());
        String user = request.path("messages").path(1).path("content").asText();
        Matcher m = FIRST_PASSAGE.matcher(user);
        var answer = JSON.createObjectNode();
        if (m.find()) {
            answer.put("answer", m.group(2));
            answer.putArray("citations").add(m.group(1)).add("a-chunk-it-never-retrieved");
        } else {
            answer.put("answer", "The handbook does not cover it.");
            answer.putArray("citations");
        }
        answer.put("confidence", 0.8).put("action", "inform");
        var delta = JSON.createObjectNode();
        delta.putObject("delta").put("content", answer.toString());
        var chunk = JSON.createObjectNode();
        chunk.putArray("choices").add(delta);
        ex.getResponseHeaders().add("Content-Type", "text/event-stream");
        reply(ex, "data: " + chunk + "\n\ndata: [DONE]\n\n");
    }

    private static void reply(HttpExchange ex, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(200, b.length);
        ex.getResponseBody().write(b);
        ex.close();
    }

    private static Answer answerOf(QueryRecord r, String node) {
        return r.getAnswersList().stream()
                .filter(a -> a.getNodeId().equals(node))
                .findFirst()
                .orElseThrow(() -> new AssertionError(node + " did not answer: " + r));
    }

    @Test
    void eachNodeAnswersWithItsOwnGeneratorAndABrokenOneIsAMarkedFailure() throws Exception {
        QueryRecord r =
                cluster.client.submit("What is the nominal main bus voltage?").get(60, TimeUnit.SECONDS);
        assertThat(goodCalls.get()).as("n2's server was called").isPositive();
        assertThat(brokenCalls.get()).as("n3's server was called").isPositive();

        Answer n1 = answerOf(r, "n1");
        assertThat(n1.getGenerator()).isEqualTo("grounded");
        Answer n2 = answerOf(r, "n2");
        assertThat(n2.getGenerator()).isEqualTo("stub-1 via openai");
        JsonNode n2json = JSON.readTree(n2.getJson());
        assertThat(n2json.path("answer").asText()).isNotBlank();
        // The passage it cited is kept; the one it never retrieved is dropped, never shown as a source.
        assertThat(n2json.path("citations")).hasSize(1);
        assertThat(n2json.path("citations").path(0).path("chunk").asText()).isNotEqualTo("a-chunk-it-never-retrieved");

        JsonNode n3json = JSON.readTree(answerOf(r, "n3").getJson());
        assertThat(n3json.path("answer").asText())
                .startsWith("This node could not answer")
                .contains("not JSON");
        assertThat(n3json.path("action").asText()).isEqualTo("refuse");
        assertThat(n3json.path("citations")).isEmpty();
        assertThat(answerOf(r, "n3").getFailure()).contains("not JSON");
        // A failed generator counts as no answer, as a node that is down: never outvoted, never DEGRADED into
        // CONSENSUS.
        assertThat(r.getDecision().getNodesList()).containsExactly("n1", "n2", "n4");
        assertThat(r.getDecision().getStatus()).isIn(DecisionStatus.DEGRADED, DecisionStatus.NO_CONSENSUS);
        assertThat(r.getDecision().getReason()).isEqualTo("all answered");

        // n4 ran llama.cpp on the tests' tiny random-weight GGUF: noise, but in the answer's JSON shape.
        Answer n4 = answerOf(r, "n4");
        assertThat(n4.getGenerator()).isEqualTo("llama tiny.gguf");
        assertThat(JSON.readTree(n4.getJson()).path("answer").asText())
                .isNotBlank()
                .doesNotStartWith("This node could not answer");

        List<NodeStatus> status = cluster.client.status();
        assertThat(status)
                .extracting(NodeStatus::getGenerator)
                .containsExactly(
                        "grounded",
                        cluster.spec.node("n2").generator().describe(),
                        cluster.spec.node("n3").generator().describe(),
                        "llama tiny.gguf");
        assertThat(cluster.process("n3").alive())
                .as("the node with the broken server stays up")
                .isTrue();
    }

    @Test
    void aNodeWhoseServerDoesNotAnswerRefusesToStartNamingTheUrl() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        String url = "http://127.0.0.1:" + port + "/v1";
        ClusterSpec spec = ClusterSpec.loopback(1, List.of("all-minilm-l6-v2"))
                .withGenerators(Map.of("n1", new GeneratorSpec("openai", "", url, "stub-1", "")));
        Path data = root.resolve("refused");
        java.nio.file.Files.createDirectories(data);
        java.nio.file.Files.createSymbolicLink(
                data.resolve("models"), Path.of("target", "it-models").toAbsolutePath());
        assertThatThrownBy(() -> Node.start(spec, "n1", data, Optional.empty()))
                .hasMessageContaining("cannot start: its generator (stub-1 via openai) is not usable")
                .hasMessageContaining(url)
                .hasMessageContaining("does not answer")
                .hasMessageContaining("Start the server, or fix url= and llm-model=");
    }
}
