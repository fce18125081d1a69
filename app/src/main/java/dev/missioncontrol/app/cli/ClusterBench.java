package dev.missioncontrol.app.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.missioncontrol.app.bench.Percentiles;
import dev.missioncontrol.cluster.client.ClusterClient;
import dev.missioncontrol.cluster.config.ClusterSpec;
import dev.missioncontrol.cluster.proto.NodeStatus;
import dev.missioncontrol.cluster.proto.QueryRecord;
import dev.missioncontrol.cluster.proto.Role;
import dev.missioncontrol.cluster.supervisor.ClusterFiles;
import dev.missioncontrol.cluster.supervisor.Supervisor;
import dev.missioncontrol.cluster.vote.Vote;
import dev.missioncontrol.knowledge.corpus.Handbook;
import dev.missioncontrol.knowledge.corpus.MarkdownChunker;
import dev.missioncontrol.knowledge.eval.EvalQuestion;
import dev.missioncontrol.knowledge.eval.EvalSet;
import dev.missioncontrol.knowledge.rag.PipelineConfig;
import dev.missioncontrol.knowledge.rag.RagPipeline;
import dev.missioncontrol.models.embed.Embedder;
import dev.missioncontrol.models.embed.EmbeddingModel;
import dev.missioncontrol.models.embed.OnnxEmbedder;
import dev.missioncontrol.models.generate.GroundedGenerator;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * {@code bench cluster}: a 3-node loopback cluster (all MiniLM) against the same work in this process (three answers
 * with that model and the vote over them) and against one answer alone, then throughput, raw Raft commits, failover
 * and node memory. One run, one machine.
 */
final class ClusterBench {
    private ClusterBench() {}

    static ObjectNode run(Path dataDir, int queries, int failovers, PrintWriter out) throws Exception {
        ObjectNode o = new ObjectMapper().createObjectNode();
        List<String> all = EvalSet.load().stream()
                .filter(EvalQuestion::answerable)
                .map(EvalQuestion::question)
                .toList();
        // No phase meets a question an earlier one asked (embedders remember recent texts): the timed sequential
        // queries and the throughput queries are disjoint evaluation questions, and the warm-up asks about handbook
        // sections in words no evaluation question uses.
        int timed = Math.min(queries, all.size() / 3);
        List<String> questions = all.subList(0, timed);
        List<String> concurrent = all.subList(timed, all.size());
        List<String> warmUp = Handbook.chunks(new MarkdownChunker()).stream()
                .map(c -> "Summarise the handbook section " + c.title() + ": " + c.section() + ".")
                .distinct()
                .toList();
        Path benchDir = dataDir.resolve("bench-cluster");
        ClusterFiles files = ClusterFiles.cli(benchDir);
        ClusterSpec spec = ClusterSpec.loopback(3, List.of(EmbeddingModel.MINILM.id()));
        files.deleteRaftDirs(spec);
        files.create(spec);
        try (Supervisor supervisor = Supervisor.owned(
                        files, spec, dataDir.resolve("models"), List.of(), new Supervisor.Listener() {});
                ClusterClient client = new ClusterClient(spec)) {
            dev.missioncontrol.app.bench.BenchClusters.startReady(supervisor, client, 240_000);
            long warmStart = System.nanoTime();
            awaitSentences(client, out);
            out.printf(
                    Locale.ROOT,
                    "cluster ready; knowledge sentences embedded on every node after %.1f s more%n",
                    (System.nanoTime() - warmStart) / 1e9);
            out.flush();
            // Steady state, not cold JVMs: each node's JIT compiler was still taking 20-30 ms of CPU per query after
            // ten warm-up questions. A thousand small entries warm the commit path, a question per handbook section
            // the rest; none of them is a measured question.
            rawCommits(client, 1000);
            concurrently(client, warmUp, 8);

            List<Double> consensus = new ArrayList<>();
            for (String q : questions) {
                long t = System.nanoTime();
                client.submit(q).get(60, TimeUnit.SECONDS);
                consensus.add((System.nanoTime() - t) / 1e6);
            }
            List<Double> redundant = new ArrayList<>();
            List<Double> single = new ArrayList<>();
            inProcess(dataDir, spec, questions, warmUp, redundant, single);
            double c50 = Percentiles.of(consensus, 0.5);
            double r50 = Percentiles.of(redundant, 0.5);
            double s50 = Percentiles.of(single, 0.5);
            put(o, "consensus_p50_ms", c50);
            put(o, "consensus_p99_ms", Percentiles.of(consensus, 0.99));
            put(o, "single_process_p50_ms", r50);
            put(o, "single_process_p99_ms", Percentiles.of(redundant, 0.99));
            put(o, "consensus_to_single_p50_ratio", c50 / r50);
            put(o, "one_pipeline_p50_ms", s50);
            put(o, "one_pipeline_p99_ms", Percentiles.of(single, 0.99));
            put(o, "consensus_to_one_pipeline_p50_ratio", c50 / s50);
            out.printf(
                    Locale.ROOT,
                    "end-to-end p50/p99: consensus %.0f/%.0f ms; the same %d answers and vote in one process"
                            + " %.0f/%.0f ms (ratio %.2f); one answer, no vote %.0f/%.0f ms (ratio %.2f)%n",
                    c50,
                    Percentiles.of(consensus, 0.99),
                    spec.size(),
                    r50,
                    Percentiles.of(redundant, 0.99),
                    c50 / r50,
                    s50,
                    Percentiles.of(single, 0.99),
                    c50 / s50);
            out.flush();

            double qps = concurrently(client, concurrent.subList(0, Math.min(80, concurrent.size())), 8);
            put(o, "decided_queries_per_s_8_clients", qps);
            out.printf(Locale.ROOT, "decided queries/s with 8 concurrent clients: %.1f%n", qps);
            out.flush();

            double commits = rawCommits(client, 500);
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
                long kill = System.nanoTime();
                supervisor.kill(leader);
                client.submit(questions.get(trial % questions.size())).get(60, TimeUnit.SECONDS);
                double ms = (System.nanoTime() - kill) / 1e6;
                failover.add(ms);
                out.printf(
                        Locale.ROOT,
                        "failover %d: killed leader %s, next query decided after %.0f ms%n",
                        trial + 1,
                        leader,
                        ms);
                out.flush();
                supervisor.start(leader);
                awaitCaughtUp(client, leader);
            }
            put(o, "failover_median_ms", Percentiles.of(failover, 0.5));
            put(o, "failover_trials", failover.size());
            out.printf(
                    Locale.ROOT,
                    "failover median over %d trials: %.0f ms%n",
                    failover.size(),
                    Percentiles.of(failover, 0.5));
        }
        return o;
    }

    /** Waits (up to two minutes) until a restarted node answers and has applied about as much as the others. */
    static void awaitCaughtUp(ClusterClient client, String node) throws InterruptedException {
        long end = System.nanoTime() + 120_000_000_000L;
        while (System.nanoTime() < end) {
            NodeStatus s = client.status(node);
            long max = client.status().stream()
                    .mapToLong(NodeStatus::getAppliedIndex)
                    .max()
                    .orElse(0);
            if (s.getRole() != Role.UNREACHABLE && s.getAppliedIndex() >= max - 2) {
                return;
            }
            Thread.sleep(200);
        }
    }

    /**
     * The cluster's work without consensus, in this process: one thread per node answers with the same retrieval model
     * and embeds its answer with the voting model, each with embedders of its own as a node has, then the vote is
     * counted as the leader counts it. Then one answer alone (a pipeline that has not seen the measured questions),
     * with no redundancy and no vote.
     */
    private static void inProcess(
            Path dataDir,
            ClusterSpec spec,
            List<String> questions,
            List<String> warmUp,
            List<Double> redundant,
            List<Double> single)
            throws Exception {
        PipelineConfig config = PipelineConfig.defaults(dataDir)
                .withEmbeddingModel(EmbeddingModel.byId(spec.nodes().get(0).model()))
                .withThreads(1);
        int n = spec.size();
        ExecutorService threads = Executors.newFixedThreadPool(n);
        List<AutoCloseable> open = new ArrayList<>();
        try (RagPipeline first = RagPipeline.open(config)) {
            first.warmSentences(() -> true, p -> {});
            List<RagPipeline> nodes = new ArrayList<>();
            List<Embedder> voters = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                nodes.add(sibling(first, open));
                voters.add(track(open, OnnxEmbedder.load(Vote.MODEL, dataDir.resolve("models"), 1)));
            }
            for (String q : warmUp.subList(0, Math.min(40, warmUp.size()))) {
                first.ask(q);
                for (int i = 0; i < n; i++) {
                    voters.get(i).embedSymmetric(nodes.get(i).ask(q).answer().answer());
                }
            }
            for (String q : questions) {
                long t = System.nanoTime();
                List<Future<float[]>> answers = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    RagPipeline node = nodes.get(i);
                    Embedder voter = voters.get(i);
                    answers.add(threads.submit(
                            () -> voter.embedSymmetric(node.ask(q).answer().answer())));
                }
                Map<String, float[]> vectors = new LinkedHashMap<>();
                for (int i = 0; i < n; i++) {
                    vectors.put(spec.nodes().get(i).id(), answers.get(i).get());
                }
                Vote.decide(vectors, n, spec.tau());
                redundant.add((System.nanoTime() - t) / 1e6);
            }
            RagPipeline alone = first; // has seen only the warm-up questions
            for (String q : questions) {
                long t = System.nanoTime();
                alone.ask(q);
                single.add((System.nanoTime() - t) / 1e6);
            }
        } finally {
            threads.shutdownNow();
            for (AutoCloseable c : open.reversed()) {
                c.close();
            }
        }
    }

    /** A pipeline over the same knowledge with an embedder and a generator of its own, its sentences loaded. */
    private static RagPipeline sibling(RagPipeline of, List<AutoCloseable> open) throws java.io.IOException {
        PipelineConfig c = of.config();
        Embedder e =
                track(open, OnnxEmbedder.load(c.embeddingModel(), c.dataDir().resolve("models"), 1));
        GroundedGenerator g = new GroundedGenerator(e, c.grounded());
        g.sentenceVectors().load(of.sentenceVectorFile());
        return new RagPipeline(c, e, of.knowledge(), g);
    }

    private static <T extends AutoCloseable> T track(List<AutoCloseable> open, T c) {
        open.add(c);
        return c;
    }

    /** Submits every question from {@code clients} threads at once; returns decided queries per second. */
    static double concurrently(ClusterClient client, List<String> questions, int clients) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            long t = System.nanoTime();
            List<Future<QueryRecord>> futures = new ArrayList<>();
            for (String q : questions) {
                futures.add(pool.submit(() -> client.submit(q).get(120, TimeUnit.SECONDS)));
            }
            for (Future<QueryRecord> f : futures) {
                f.get(300, TimeUnit.SECONDS);
            }
            return questions.size() / ((System.nanoTime() - t) / 1e9);
        } finally {
            pool.shutdownNow();
        }
    }

    /** Sends {@code count} small entries through the log at once; returns commits per second. */
    static double rawCommits(ClusterClient client, int count) throws Exception {
        long t = System.nanoTime();
        client.sendNoOps(count).get(120, TimeUnit.SECONDS);
        return count / ((System.nanoTime() - t) / 1e9);
    }

    /** Waits until every node holds the vectors of all its knowledge's sentences (embedded once per data dir). */
    static void awaitSentences(ClusterClient client, PrintWriter out) throws InterruptedException {
        long end = System.nanoTime() + 600_000_000_000L;
        long nextReport = 0;
        while (System.nanoTime() < end) {
            List<NodeStatus> all = client.status();
            if (all.stream()
                    .allMatch(s -> s.getSentencesTotal() > 0 && s.getSentencesReady() >= s.getSentencesTotal())) {
                return;
            }
            if (System.nanoTime() > nextReport) {
                StringBuilder b = new StringBuilder("embedding knowledge sentences:");
                all.forEach(s -> b.append(' ')
                        .append(s.getNodeId())
                        .append(' ')
                        .append(s.getSentencesReady())
                        .append('/')
                        .append(s.getSentencesTotal()));
                out.println(b);
                out.flush();
                nextReport = System.nanoTime() + 10_000_000_000L;
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("the nodes did not embed their knowledge sentences within 10 minutes");
    }

    private static void put(ObjectNode o, String key, double v) {
        o.put(key, Math.round(v * 100) / 100.0);
    }
}
