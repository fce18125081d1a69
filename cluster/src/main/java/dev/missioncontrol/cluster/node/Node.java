package dev.missioncontrol.cluster.node;

import dev.missioncontrol.cluster.config.ClusterSpec;
import dev.missioncontrol.cluster.config.RaftSetup;
import dev.missioncontrol.cluster.proto.Answer;
import dev.missioncontrol.cluster.proto.Decision;
import dev.missioncontrol.cluster.proto.Dispute;
import dev.missioncontrol.cluster.proto.Entry;
import dev.missioncontrol.cluster.proto.KnowledgeUpdate;
import dev.missioncontrol.cluster.proto.Query;
import dev.missioncontrol.cluster.proto.QueryRecord;
import dev.missioncontrol.cluster.vote.Vote;
import dev.missioncontrol.knowledge.ingest.DocumentReader;
import dev.missioncontrol.knowledge.rag.AskResult;
import dev.missioncontrol.knowledge.rag.PipelineConfig;
import dev.missioncontrol.knowledge.rag.RagPipeline;
import dev.missioncontrol.models.embed.Embedder;
import dev.missioncontrol.models.embed.EmbeddingModel;
import dev.missioncontrol.models.embed.OnnxEmbedder;
import dev.missioncontrol.models.generate.SentenceVectors;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One answer node: a Ratis server over the {@link QueryStateMachine}, its own RAG pipeline, the voting model, the
 * {@code NodeService} API and a Prometheus {@code /metrics} endpoint.
 *
 * <p>Threads, each owned and closed here: {@code <id>-answer} answers queries and applies knowledge updates in log
 * order; {@code <id>-verify} recomputes decisions; {@code <id>-leader} closes queries while this node leads. The
 * apply thread only hands work to them.
 */
public final class Node implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Node.class);
    /** Largest difference between a logged and a recomputed similarity that is not a dispute. */
    static final double DISPUTE_TOLERANCE = 0.02;
    /**
     * System properties of a node JVM that size its Raft log: entries between log purges (default 1024) and the size
     * of a log segment file (default 8MB; only whole segments are purged). Small values let a test reach a purge with
     * a few hundred entries.
     */
    static final String PURGE_GAP = "mc.raft.purge-gap", SEGMENT_SIZE = "mc.raft.segment-size";

    private final ClusterSpec spec;
    private final ClusterSpec.NodeSpec me;
    private final RagPipeline pipeline;
    private final Embedder voter;
    private final boolean ownsVoter;
    private final QueryStateMachine stateMachine;
    private final RaftServer raft;
    private final RaftClient client;
    private final NodeRuntime runtime;
    private final Server api;
    private final MetricsEndpoint metrics;
    private final ExecutorService answerWorker;
    private final ExecutorService verifier;
    private final ScheduledExecutorService leaderDuty;
    private final ExecutorService warmer;
    /** Answer, verification and ingest tasks queued or running: the sentence warm-up waits while there are any. */
    private final AtomicInteger busy = new AtomicInteger();
    /** How far the background embedding of the knowledge's sentences has come (in the node's status). */
    private final AtomicReference<SentenceVectors.Progress> sentences =
            new AtomicReference<>(new SentenceVectors.Progress(0, 0));

    private final Map<String, Long> appliedAt = new ConcurrentHashMap<>();
    private final Set<String> proposed = ConcurrentHashMap.newKeySet();
    private final String tag;

    private Node(ClusterSpec spec, String id, Path dataDir) throws IOException {
        this.spec = spec;
        this.me = spec.node(id);
        this.tag = id + "@" + spec.group().toString().substring(0, 8);
        checkPortsFree(me);
        EmbeddingModel model = EmbeddingModel.byId(me.model());
        PipelineConfig config =
                PipelineConfig.defaults(dataDir).withEmbeddingModel(model).withThreads(1);
        this.pipeline = RagPipeline.open(config);
        this.ownsVoter = model != Vote.MODEL;
        this.voter = ownsVoter ? OnnxEmbedder.load(Vote.MODEL, dataDir.resolve("models"), 1) : pipeline.embedder();
        this.answerWorker = Executors.newSingleThreadExecutor(named(id + "-answer"));
        this.verifier = Executors.newSingleThreadExecutor(named(id + "-verify"));
        this.leaderDuty = Executors.newSingleThreadScheduledExecutor(named(id + "-leader"));
        this.warmer = Executors.newSingleThreadExecutor(named(id + "-warm"));
        this.stateMachine = new QueryStateMachine(new Listener());

        RaftGroup group = RaftSetup.group(spec);
        Path raftDir = dataDir.resolve("raft");
        Path groupDir = raftDir.resolve(group.getGroupId().getUuid().toString());
        boolean existing = Files.isDirectory(groupDir);
        this.raft = RaftServer.newBuilder()
                .setServerId(RaftPeerId.valueOf(id))
                .setGroup(group)
                .setProperties(properties(me, raftDir))
                .setStateMachine(stateMachine)
                .setOption(existing ? RaftStorage.StartupOption.RECOVER : RaftStorage.StartupOption.FORMAT)
                .build();
        try {
            raft.start();
        } catch (IOException | RuntimeException e) {
            stopWorkers(); // replaying the log may have started an ingest or a warm-up on the models closed below
            pipeline.close();
            if (ownsVoter) {
                voter.close();
            }
            if (existing && corrupted(e)) {
                throw damaged(id, groupDir, e);
            }
            throw e;
        }
        this.runtime = new NodeRuntime(id, raft, group.getGroupId(), sentences::get);
        this.client = RaftSetup.client(spec, TimeDuration.valueOf(10, TimeUnit.SECONDS));
        this.api = NettyServerBuilder.forAddress(new InetSocketAddress(me.host(), me.apiPort()))
                .executor(Executors.newFixedThreadPool(4, named(id + "-api")))
                .addService(new NodeServiceImpl(me, stateMachine, runtime))
                .build()
                .start();
        this.metrics = new MetricsEndpoint(me, runtime, stateMachine);
        leaderDuty.scheduleWithFixedDelay(this::closeQueries, 50, 50, TimeUnit.MILLISECONDS);
        warmSentences();
        log.info(
                "{} started: raft {}, api {}, metrics {}, retrieval {}, data {}",
                tag,
                me.raftAddress(),
                me.apiAddress(),
                me.metricsPort(),
                me.model(),
                dataDir);
    }

    /**
     * Starts a node of the cluster.
     *
     * @throws IllegalStateException with a message naming the port, file or model at fault
     */
    public static Node start(ClusterSpec spec, String id, Path dataDir) {
        try {
            return new Node(spec, id, dataDir);
        } catch (IOException e) {
            throw new IllegalStateException("Node " + id + " could not start: " + e.getMessage(), e);
        }
    }

    /**
     * Whether a failed start is unreadable Raft data (a bad checksum, a truncated or overwritten segment, a snapshot
     * that does not match its MD5), rather than a lock, a permission or a full disk, which need another remedy.
     */
    static boolean corrupted(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            String name = c.getClass().getSimpleName();
            String m = c.getMessage() == null ? "" : c.getMessage().toLowerCase(java.util.Locale.ROOT);
            if (name.equals("ChecksumException")
                    || name.equals("CorruptedFileException")
                    || c instanceof java.io.EOFException
                    || m.contains("corrupt")
                    || m.contains("checksum")
                    || m.contains("terminator")
                    || m.contains("magic")) {
                return true;
            }
        }
        return false;
    }

    /**
     * A node whose Raft data cannot be read refuses to start instead of rejoining with a log that may differ from the
     * others'. The message names the file Ratis reported (or, when Ratis names none, the log segments) and the way
     * back ({@code cluster rejoin}).
     */
    static IllegalStateException damaged(String id, Path groupDir, Throwable e) {
        String named = null;
        String deepest = e.getMessage();
        for (Throwable c = e; c != null; c = c.getCause()) {
            String m = c.getMessage();
            if (m != null && named == null && m.contains(groupDir.toString())) {
                named = m;
            } else if (m != null && c instanceof IOException) {
                deepest = m;
            }
        }
        String detail = named != null ? named : deepest.replaceAll("\\.$", "") + segments(groupDir);
        return new IllegalStateException(
                "The Raft data of node " + id + " in " + groupDir + " is damaged (" + detail
                        + "). The node refuses to start so that it cannot rejoin with a log that differs from the"
                        + " others'. The other nodes still hold every entry and keep deciding while they are a"
                        + " majority. To bring " + id + " back, run ./mission-control cluster rejoin " + id
                        + " (in the console: Rebuild " + id + " from the leader, in the node's menu): the directory"
                        + " is kept aside for analysis, the node starts empty and copies the log from the leader.",
                e);
    }

    /** " in the log segment(s) …" of a group directory, or "" when they cannot be listed. */
    private static String segments(Path groupDir) {
        try (var files = Files.list(groupDir.resolve("current"))) {
            List<String> segments = files.map(f -> f.getFileName().toString())
                    .filter(f -> f.startsWith("log_"))
                    .sorted()
                    .toList();
            return segments.isEmpty()
                    ? ""
                    : " in the log segment" + (segments.size() == 1 ? " " : "s ") + String.join(", ", segments);
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    private static RaftProperties properties(ClusterSpec.NodeSpec me, Path raftDir) {
        RaftProperties p = new RaftProperties();
        RaftServerConfigKeys.setStorageDir(p, List.of(raftDir.toFile()));
        GrpcConfigKeys.Server.setHost(p, me.host());
        GrpcConfigKeys.Server.setPort(p, me.raftPort());
        // Failover tuned for a noisy 2-core machine: heartbeat every 150 ms, elections after 300-600 ms.
        RaftServerConfigKeys.Rpc.setTimeoutMin(p, TimeDuration.valueOf(300, TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Rpc.setTimeoutMax(p, TimeDuration.valueOf(600, TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Rpc.setFirstElectionTimeoutMin(p, TimeDuration.valueOf(150, TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Rpc.setFirstElectionTimeoutMax(p, TimeDuration.valueOf(300, TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Rpc.setRequestTimeout(p, TimeDuration.valueOf(1500, TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Rpc.setSlownessTimeout(p, TimeDuration.valueOf(1, TimeUnit.SECONDS));
        RaftServerConfigKeys.LeaderElection.setLeaderStepDownWaitTime(p, TimeDuration.valueOf(2, TimeUnit.SECONDS));
        p.set("raft.server.log.appender.retry.policy", "1ms,10,100ms,100,500ms,100000");
        // Advance the flush index before fsync completes: survives a killed or frozen JVM (the faults this product
        // injects), not a power cut of the whole machine. Without it every commit waits for the disk.
        RaftServerConfigKeys.Log.setUnsafeFlushEnabled(p, true);
        RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(p, true);
        RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(p, 400);
        // The log is purged up to the latest snapshot even while a node is down, so a dead node cannot make the others'
        // logs grow without bound; a node that comes back behind the purged log is sent the leader's snapshot.
        RaftServerConfigKeys.Log.setPurgeUptoSnapshotIndex(p, true);
        RaftServerConfigKeys.Log.setPurgeGap(p, Integer.getInteger(PURGE_GAP, 1024));
        RaftServerConfigKeys.Log.setSegmentSizeMax(p, SizeInBytes.valueOf(System.getProperty(SEGMENT_SIZE, "8MB")));
        return p;
    }

    private static void checkPortsFree(ClusterSpec.NodeSpec me) {
        for (var port : List.of(
                Map.entry("raft", me.raftPort()),
                Map.entry("api", me.apiPort()),
                Map.entry("metrics", me.metricsPort()))) {
            try (ServerSocket s = new ServerSocket()) {
                s.setReuseAddress(true);
                s.bind(new InetSocketAddress(InetAddress.getByName(me.host()), port.getValue()));
            } catch (IOException e) {
                throw new IllegalStateException("Port " + port.getValue() + " (" + port.getKey() + ") on " + me.host()
                        + " is in use: another node or program holds it. Stop it, or give node " + me.id()
                        + " another " + port.getKey() + " port in the cluster file.");
            }
        }
    }

    public String id() {
        return me.id();
    }

    public QueryStateMachine stateMachine() {
        return stateMachine;
    }

    /** Reacts to applied entries by handing work to this node's own threads. */
    private final class Listener implements QueryStateMachine.Listener {
        @Override
        public void onQuery(Query query, long index) {
            appliedAt.putIfAbsent(query.getId(), System.nanoTime());
            work(answerWorker, () -> answer(query));
        }

        @Override
        public void onAnswer(Answer answer) {
            // Close as soon as the last answer is in, instead of waiting for the next scheduled check.
            try {
                leaderDuty.execute(Node.this::closeQueries);
            } catch (RejectedExecutionException e) {
                // Stopping: the scheduled duty is gone and so is the leadership.
            }
        }

        @Override
        public void onDecision(QueryRecord record) {
            if (!record.getDecision().getLeaderId().equals(me.id())) {
                work(verifier, () -> verify(record));
            }
        }

        @Override
        public void onKnowledge(KnowledgeUpdate update) {
            work(answerWorker, () -> ingest(update));
            warmSentences(); // the new document's sentences
        }
    }

    /** Runs a task on a worker, counted as {@link #busy} from now until it ends. */
    private void work(ExecutorService worker, Runnable task) {
        busy.incrementAndGet();
        try {
            worker.execute(() -> {
                try {
                    task.run();
                } finally {
                    busy.decrementAndGet();
                }
            });
        } catch (RejectedExecutionException e) {
            busy.decrementAndGet(); // stopping
        }
    }

    /**
     * Embeds, in the background and only while no query is being answered or verified, the sentences this node's
     * generator ranks, so that no question pays for embedding a passage seen for the first time. Saved beside the
     * index: a restarted node only loads them.
     */
    private void warmSentences() {
        try {
            warmer.execute(() -> {
                try {
                    long t = System.nanoTime();
                    var done = pipeline.warmSentences(() -> busy.get() == 0, sentences::set);
                    sentences.set(done);
                    log.info(
                            "{} holds the vectors of all {} sentences of its knowledge ({} ms)",
                            tag,
                            done.total(),
                            (System.nanoTime() - t) / 1_000_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (RuntimeException e) {
                    log.warn("{} could not embed its knowledge's sentences ahead of time: {}", tag, e.getMessage());
                }
            });
        } catch (RejectedExecutionException e) {
            // Stopping.
        }
    }

    private void answer(Query query) {
        if (stateMachine.isDecided(query.getId())) {
            return; // replaying an old query after a restart: its decision is already in the log.
        }
        long start = System.nanoTime();
        dev.missioncontrol.models.generate.Answer answer;
        try {
            AskResult r = pipeline.ask(query.getText());
            answer = r.answer();
        } catch (RuntimeException e) {
            log.warn("{} could not answer {}: {}", tag, query.getId(), e.getMessage());
            answer = new dev.missioncontrol.models.generate.Answer(
                    "This node could not answer: " + e.getMessage(),
                    List.of(),
                    0,
                    dev.missioncontrol.models.generate.Answer.REFUSE);
        }
        String json = answer.toJson();
        double latency = (System.nanoTime() - start) / 1e6;
        float[] vector = voter.embedSymmetric(answer.answer());
        Answer.Builder a = Answer.newBuilder()
                .setQueryId(query.getId())
                .setNodeId(me.id())
                .setJson(json)
                .setLatencyMillis(latency)
                .setRetrievalModel(me.model());
        for (float f : vector) {
            a.addVoteVector(f);
        }
        propose(Entry.newBuilder().setAnswer(a).build(), "answer to " + query.getId());
    }

    static String answerText(String json) {
        try {
            return dev.missioncontrol.models.generate.Answer.fromJson(json).answer();
        } catch (RuntimeException e) {
            return json;
        }
    }

    private void ingest(KnowledgeUpdate update) {
        try {
            pipeline.knowledge()
                    .ingestDocuments(List.of(new DocumentReader.ReadDocument(
                            update.getDoc(),
                            Path.of(update.getSourceName().isEmpty() ? update.getDoc() : update.getSourceName()),
                            update.getMarkdown())));
            log.info("{} indexed document {}", tag, update.getDoc());
        } catch (RuntimeException e) {
            log.error("{} could not index document {}: {}", tag, update.getDoc(), e.getMessage());
        }
    }

    /** Leader duty: close every open query whose answers are all in, whose deadline passed, or whose missing
     * nodes are all down. */
    private void closeQueries() {
        try {
            if (!runtime.isReadyLeader()) {
                return;
            }
            Set<String> down = null;
            for (QueryRecord r : stateMachine.open()) {
                String qid = r.getQuery().getId();
                if (proposed.contains(qid)) {
                    continue;
                }
                long seen = appliedAt.computeIfAbsent(qid, k -> System.nanoTime());
                long elapsed = (System.nanoTime() - seen) / 1_000_000;
                List<String> missing = new ArrayList<>();
                for (var n : spec.nodes()) {
                    if (r.getAnswersList().stream().noneMatch(a -> a.getNodeId().equals(n.id()))) {
                        missing.add(n.id());
                    }
                }
                String reason = null;
                if (missing.isEmpty()) {
                    reason = "all answered";
                } else if (elapsed >= r.getQuery().getDeadlineMillis()) {
                    reason = "deadline " + r.getQuery().getDeadlineMillis() + " ms passed; missing " + missing;
                } else {
                    if (down == null) {
                        down = runtime.downPeers();
                    }
                    if (!missing.contains(me.id()) && down.containsAll(missing)) {
                        reason = "missing nodes are down: " + missing;
                    }
                }
                if (reason != null) {
                    proposed.add(qid);
                    Decision d = decide(r, reason, elapsed);
                    propose(Entry.newBuilder().setDecision(d).build(), "decision on " + qid);
                }
            }
        } catch (RuntimeException e) {
            log.warn("{} leader duty failed: {}", tag, e.toString());
        }
    }

    private Decision decide(QueryRecord r, String reason, long elapsed) {
        Map<String, float[]> vectors = new LinkedHashMap<>();
        for (Answer a : r.getAnswersList()) {
            vectors.put(a.getNodeId(), toArray(a.getVoteVectorList()));
        }
        Vote.Result v = Vote.decide(vectors, spec.size(), spec.tau());
        Decision.Builder d = Decision.newBuilder()
                .setQueryId(r.getQuery().getId())
                .setLeaderId(me.id())
                .addAllNodes(v.nodes())
                .setWinner(v.winner() == null ? "" : v.winner())
                .addAllAgreeing(v.agreeing())
                .setStatus(v.status().name())
                .setClusterSize(v.clusterSize())
                .setQuorum(v.quorum())
                .setTau(v.tau())
                .setReason(reason)
                .setDecidedAfterMillis(elapsed);
        for (double[] row : v.matrix()) {
            for (double x : row) {
                d.addMatrix(x);
            }
        }
        for (double s : v.scores()) {
            d.addScores(s);
        }
        return d.build();
    }

    /** Recomputes a decision from the logged answer texts with this node's own voting model. */
    private void verify(QueryRecord record) {
        Decision d = record.getDecision();
        Map<String, float[]> vectors = new LinkedHashMap<>();
        for (Answer a : record.getAnswersList()) {
            if (d.getNodesList().contains(a.getNodeId())) {
                vectors.put(a.getNodeId(), voter.embedSymmetric(answerText(a.getJson())));
            }
        }
        Vote.Result mine = Vote.decide(vectors, d.getClusterSize(), d.getTau());
        double worst = 0;
        int m = mine.nodes().size();
        boolean shapeOk = m == d.getNodesCount() && d.getMatrixCount() == m * m;
        for (int i = 0; shapeOk && i < m; i++) {
            for (int j = 0; j < m; j++) {
                worst = Math.max(worst, Math.abs(mine.matrix()[i][j] - d.getMatrix(i * m + j)));
            }
        }
        boolean agrees = shapeOk
                && worst <= DISPUTE_TOLERANCE
                && mine.status().name().equals(d.getStatus())
                && (mine.winner() == null ? "" : mine.winner()).equals(d.getWinner());
        if (!agrees) {
            String detail = String.format(
                    java.util.Locale.ROOT,
                    "recomputed winner %s, status %s; largest similarity difference %.3f (tolerance %.2f)",
                    mine.winner(),
                    mine.status(),
                    worst,
                    DISPUTE_TOLERANCE);
            log.warn("{} disputes the decision on {}: {}", tag, d.getQueryId(), detail);
            propose(
                    Entry.newBuilder()
                            .setDispute(Dispute.newBuilder()
                                    .setQueryId(d.getQueryId())
                                    .setNodeId(me.id())
                                    .setExpectedWinner(mine.winner() == null ? "" : mine.winner())
                                    .setExpectedStatus(mine.status().name())
                                    .setDetail(detail))
                            .build(),
                    "dispute on " + d.getQueryId());
        }
    }

    private void propose(Entry entry, String what) {
        client.async()
                .send(Message.valueOf(
                        org.apache.ratis.thirdparty.com.google.protobuf.ByteString.copyFrom(entry.toByteArray())))
                .whenComplete((reply, e) -> {
                    if (e != null || !reply.isSuccess()) {
                        log.warn(
                                "{} could not log {}: {}",
                                tag,
                                what,
                                e != null ? e.getMessage() : reply.getException());
                    }
                });
    }

    static float[] toArray(List<Float> list) {
        float[] v = new float[list.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = list.get(i);
        }
        return v;
    }

    static java.util.concurrent.ThreadFactory named(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    /** Stops the worker threads and waits for them: an embedding in progress must end before its model is closed. */
    private void stopWorkers() {
        for (ExecutorService worker : List.of(warmer, answerWorker, verifier)) {
            worker.shutdownNow();
        }
        for (ExecutorService worker : List.of(warmer, answerWorker, verifier)) {
            try {
                worker.awaitTermination(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void close() {
        leaderDuty.shutdownNow();
        api.shutdownNow();
        metrics.close();
        try {
            client.close();
        } catch (IOException e) {
            log.warn("{} closing the Raft client failed: {}", tag, e.getMessage());
        }
        try {
            raft.close();
        } catch (IOException e) {
            log.warn("{} closing the Raft server failed: {}", tag, e.getMessage());
        }
        stopWorkers();
        if (ownsVoter) {
            voter.close();
        }
        pipeline.close();
        log.info("{} stopped", tag);
    }
}
