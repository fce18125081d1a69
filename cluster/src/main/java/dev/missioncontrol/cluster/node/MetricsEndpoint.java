package dev.missioncontrol.cluster.node;

import com.sun.net.httpserver.HttpServer;
import dev.missioncontrol.cluster.config.ClusterSpec;
import dev.missioncontrol.cluster.proto.NodeStatus;
import dev.missioncontrol.cluster.proto.QueryRecord;
import dev.missioncontrol.cluster.proto.Role;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** Prometheus text-format {@code /metrics} of one node: Raft state, decisions by status, answer latency, memory. */
final class MetricsEndpoint implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService thread;

    MetricsEndpoint(ClusterSpec.NodeSpec me, NodeRuntime runtime, QueryStateMachine stateMachine) {
        try {
            server = HttpServer.create(new InetSocketAddress(me.host(), me.metricsPort()), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "Cannot open the metrics port " + me.metricsPort() + " on " + me.host() + ": " + e.getMessage(), e);
        }
        thread = Executors.newSingleThreadExecutor(Node.named(me.id() + "-metrics"));
        server.setExecutor(thread);
        server.createContext("/metrics", exchange -> {
            byte[] body = render(me, runtime.status(stateMachine.decisions()), stateMachine)
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    static String render(ClusterSpec.NodeSpec me, NodeStatus s, QueryStateMachine stateMachine) {
        String node = "node=\"" + me.id() + "\"";
        StringBuilder sb = new StringBuilder();
        gauge(sb, "mc_raft_term", "Current Raft term", node, s.getTerm());
        gauge(sb, "mc_raft_is_leader", "1 when this node leads", node, s.getRole() == Role.LEADER ? 1 : 0);
        gauge(sb, "mc_raft_commit_index", "Last committed log index", node, s.getCommitIndex());
        gauge(sb, "mc_raft_applied_index", "Last applied log index", node, s.getAppliedIndex());
        gauge(
                sb,
                "mc_sentences_ready",
                "Knowledge sentences whose vectors are ready (of mc_sentences_total)",
                node,
                s.getSentencesReady());
        gauge(sb, "mc_sentences_total", "Knowledge sentences there are", node, s.getSentencesTotal());
        Map<String, Integer> byStatus = new TreeMap<>(Map.of("CONSENSUS", 0, "DEGRADED", 0, "NO_CONSENSUS", 0));
        double latencySum = 0;
        int latencyCount = 0;
        for (QueryRecord r : stateMachine.history()) {
            if (r.hasDecision()) {
                byStatus.merge(r.getDecision().getStatus().name(), 1, Integer::sum);
            }
            for (var a : r.getAnswersList()) {
                if (a.getNodeId().equals(me.id())) {
                    latencySum += a.getLatencyMillis();
                    latencyCount++;
                }
            }
        }
        sb.append("# HELP mc_decisions_total Decided queries by vote status\n# TYPE mc_decisions_total counter\n");
        byStatus.forEach((status, n) -> sb.append("mc_decisions_total{")
                .append(node)
                .append(",status=\"")
                .append(status)
                .append("\"} ")
                .append(n)
                .append('\n'));
        sb.append("# HELP mc_answer_latency_ms Time this node took to answer\n# TYPE mc_answer_latency_ms summary\n");
        sb.append("mc_answer_latency_ms_sum{")
                .append(node)
                .append("} ")
                .append(String.format(Locale.ROOT, "%.3f", latencySum))
                .append('\n');
        sb.append("mc_answer_latency_ms_count{")
                .append(node)
                .append("} ")
                .append(latencyCount)
                .append('\n');
        gauge(sb, "process_resident_memory_bytes", "Resident memory of the node JVM", node, s.getRssBytes());
        gauge(sb, "process_cpu_load", "Share of the machine's CPU used by the node JVM", node, s.getProcessCpu());
        return sb.toString();
    }

    private static void gauge(StringBuilder sb, String name, String help, String labels, double value) {
        sb.append("# HELP ").append(name).append(' ').append(help).append('\n');
        sb.append("# TYPE ").append(name).append(" gauge\n");
        sb.append(name).append('{').append(labels).append("} ");
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            sb.append((long) value);
        } else {
            sb.append(String.format(Locale.ROOT, "%.4f", value));
        }
        sb.append('\n');
    }

    @Override
    public void close() {
        server.stop(0);
        thread.shutdownNow(); // HttpServer.stop leaves a caller's executor running
    }
}
