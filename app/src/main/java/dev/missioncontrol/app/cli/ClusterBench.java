package dev.missioncontrol.app.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.missioncontrol.app.bench.Percentiles;
import dev.missioncontrol.app.supervisor.ClusterFiles;
import dev.missioncontrol.cluster.client.ClusterClient;
import dev.missioncontrol.cluster.config.ClusterSpec;
import dev.missioncontrol.cluster.proto.Dispute;
import dev.missioncontrol.cluster.proto.Entry;
import dev.missioncontrol.cluster.proto.NodeStatus;
import dev.missioncontrol.cluster.proto.QueryRecord;
import dev.missioncontrol.knowledge.eval.EvalQuestion;
import dev.missioncontrol.knowledge.eval.EvalSet;
import dev.missioncontrol.knowledge.rag.PipelineConfig;
import dev.missioncontrol.knowledge.rag.RagPipeline;
import dev.missioncontrol.models.embed.EmbeddingModel;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * {@code bench cluster}: a 3-node loopback cluster (all MiniLM, so both sides run the same pipeline) against the
 * same pipeline in this process, then throughput, raw Raft commits, failover and node memory. One run, one machine.
 */
final class ClusterBench {
    private ClusterBench() {}

    static ObjectNode run(Path dataDir, int queries, int failovers, PrintWriter out) throws Exception {
        ObjectNode o = new ObjectMapper().createObjectNode();
        List<String> questions = EvalSet.load().stream()
                .filter(EvalQuestion::answerable)
                .map(EvalQuestion::question)
                .toList();
        Path benchDir = dataDir.resolve("bench-cluster");
        ClusterFiles files = ClusterFiles.cli(benchDir);
        ClusterCommand.stopAll(files);
        ClusterSpec spec = ClusterSpec.loopback(3, List.of(EmbeddingModel.MINILM.id()));
        files.deleteRaftDirs(spec);
        spec.write(files.clusterFile());
        Path models = dataDir.resolve("models");
        Map<String, Long> pids = new LinkedHashMap<>();
        Map<String, Process> processes = new LinkedHashMap<>();
        for (var n : spec.nodes()) {
            Process p = ClusterCommand.startNode(files, n.id(), models);
            processes.put(n.id(), p);
            pids.put(n.id(), p.pid());
        }
        files.writePids(pids);
        try (ClusterClient client = new ClusterClient(spec)) {
            if (!ClusterCommand.awaitReady(client, pids, 240_000)) {
                throw new IllegalStateException("the bench cluster did not become ready; logs in " + files.dir);
            }
            out.println("cluster ready; warming up");
            out.flush();
            for (int i = 0; i < 10; i++) {
                client.submit(questions.get(i)).get(60, TimeUnit.SECONDS);
            }

            List<Double> consensus = new ArrayList<>();
            for (int i = 0; i < queries; i++) {
                long t = System.nanoTime();
                client.submit(questions.get(i % questions.size())).get(60, TimeUnit.SECONDS);
                consensus.add((System.nanoTime() - t) / 1e6);
            }
            List<Double> single = new ArrayList<>();
            PipelineConfig config = PipelineConfig.defaults(dataDir)
                    .withEmbeddingModel(EmbeddingModel.MINILM)
                    .withThreads(1);
            try (RagPipeline rag = RagPipeline.open(config)) {
                for (int i = 0; i < 10; i++) {
                    rag.ask(questions.get(i));
                }
                for (int i = 0; i < queries; i++) {
                    long t = System.nanoTime();
                    rag.ask(questions.get(i % questions.size()));
                    single.add((System.nanoTime() - t) / 1e6);
                }
            }
            put(o, "consensus_p50_ms", Percentiles.of(consensus, 0.5));
            put(o, "consensus_p99_ms", Percentiles.of(consensus, 0.99));
            put(o, "single_process_p50_ms", Percentiles.of(single, 0.5));
            put(o, "single_process_p99_ms", Percentiles.of(single, 0.99));
            put(o, "consensus_to_single_p50_ratio", Percentiles.of(consensus, 0.5) / Percentiles.of(single, 0.5));
            out.printf(
                    Locale.ROOT,
                    "end-to-end p50/p99: consensus %.0f/%.0f ms, one process %.0f/%.0f ms (ratio %.2f)%n",
                    Percentiles.of(consensus, 0.5),
                    Percentiles.of(consensus, 0.99),
                    Percentiles.of(single, 0.5),
                    Percentiles.of(single, 0.99),
                    Percentiles.of(consensus, 0.5) / Percentiles.of(single, 0.5));
            out.flush();

            int total = 80;
            ExecutorService clients = Executors.newFixedThreadPool(8);
            long t0 = System.nanoTime();
            List<Future<QueryRecord>> futures = new ArrayList<>();
            for (int i = 0; i < total; i++) {
                String q = questions.get((i * 7) % questions.size());
                futures.add(clients.submit(() -> client.submit(q).get(120, TimeUnit.SECONDS)));
            }
            for (Future<QueryRecord> f : futures) {
                f.get(300, TimeUnit.SECONDS);
            }
            double qps = total / ((System.nanoTime() - t0) / 1e9);
            clients.shutdown();
            put(o, "decided_queries_per_s_8_clients", qps);
            out.printf(Locale.ROOT, "decided queries/s with 8 concurrent clients: %.1f%n", qps);
            out.flush();

            int small = 500;
            byte[] noop = Entry.newBuilder()
                    .setDispute(Dispute.newBuilder()
                            .setQueryId("bench-no-such-query")
                            .setNodeId("bench"))
                    .build()
                    .toByteArray();
            long t1 = System.nanoTime();
            List<CompletableFuture<?>> sends = new ArrayList<>();
            for (int i = 0; i < small; i++) {
                sends.add(client.sendRawOrdered(noop));
            }
            CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
            double commits = small / ((System.nanoTime() - t1) / 1e9);
            put(o, "raft_commits_per_s", commits);
            out.printf(Locale.ROOT, "raw Raft commits/s (small entries, one client, pipelined): %.0f%n", commits);

            Map<String, Double> rss = new LinkedHashMap<>();
            for (NodeStatus s : client.status()) {
                rss.put(s.getNodeId(), s.getRssBytes() / 1048576.0);
            }
            ObjectNode rssNode = o.putObject("node_rss_mb");
            rss.forEach((k, v) -> rssNode.put(k, Math.round(v)));
            out.println("node RSS MB: " + rssNode);
            out.flush();

            List<Double> failover = new ArrayList<>();
            for (int trial = 0; trial < failovers; trial++) {
                int t = trial + 1;
                String leader = client.leader()
                        .orElseThrow(() -> new IllegalStateException("no leader before failover trial " + t));
                Process victim = processes.get(leader);
                long kill = System.nanoTime();
                victim.destroyForcibly();
                client.submit(questions.get(trial)).get(60, TimeUnit.SECONDS);
                double ms = (System.nanoTime() - kill) / 1e6;
                failover.add(ms);
                out.printf(
                        Locale.ROOT,
                        "failover %d: killed leader %s, next query decided after %.0f ms%n",
                        trial + 1,
                        leader,
                        ms);
                out.flush();
                victim.waitFor(10, TimeUnit.SECONDS);
                Process back = ClusterCommand.startNode(files, leader, models);
                processes.put(leader, back);
                pids.put(leader, back.pid());
                files.writePids(pids);
                String restarted = leader;
                long end = System.nanoTime() + 120_000_000_000L;
                while (System.nanoTime() < end) {
                    NodeStatus s = client.status(restarted);
                    List<NodeStatus> all = client.status();
                    long max = all.stream()
                            .mapToLong(NodeStatus::getAppliedIndex)
                            .max()
                            .orElse(0);
                    if (!"DOWN".equals(s.getRole()) && s.getAppliedIndex() >= max - 2) {
                        break;
                    }
                    Thread.sleep(200);
                }
            }
            put(o, "failover_median_ms", Percentiles.of(failover, 0.5));
            put(o, "failover_trials", failover.size());
            out.printf(
                    Locale.ROOT,
                    "failover median over %d trials: %.0f ms%n",
                    failover.size(),
                    Percentiles.of(failover, 0.5));
        } finally {
            processes.values().forEach(Process::destroyForcibly);
            files.writePids(Map.of());
        }
        return o;
    }

    private static void put(ObjectNode o, String key, double v) {
        o.put(key, Math.round(v * 100) / 100.0);
    }
}
