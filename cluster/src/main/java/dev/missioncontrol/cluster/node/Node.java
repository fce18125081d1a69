package dev.missioncontrol.cluster.node;

import dev.missioncontrol.cluster.config.ClusterSecret;
import dev.missioncontrol.cluster.config.ClusterSpec;
import dev.missioncontrol.cluster.config.GeneratorSpec;
import dev.missioncontrol.cluster.config.RaftSetup;
import dev.missioncontrol.cluster.proto.Answer;
import dev.missioncontrol.cluster.proto.Entry;
import dev.missioncontrol.cluster.proto.KeyRegistration;
import dev.missioncontrol.cluster.proto.KnowledgeUpdate;
import dev.missioncontrol.cluster.proto.Query;
import dev.missioncontrol.cluster.proto.QueryRecord;
import dev.missioncontrol.cluster.vote.Vote;
import dev.missioncontrol.knowledge.rag.PipelineConfig;
import dev.missioncontrol.knowledge.rag.RagPipeline;
import dev.missioncontrol.models.embed.Embedder;
import dev.missioncontrol.models.embed.EmbeddingModel;
import dev.missioncontrol.models.embed.OnnxEmbedder;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.grpc.server.GrpcServices;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.storage.RaftStorage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One answer node, put together: a Ratis server over the {@link QueryStateMachine} (with fault rules on its Raft port,
 * {@link RaftTrafficFaults}), the node's duties — {@link Answerer} (every node), {@link LeaderDuty} (the leader),
 * {@link Verifier} (every other node) — which log their entries through the {@link Proposer}, the link probes, the
 * {@code NodeService} and {@code FaultControl} API and a Prometheus {@code /metrics} endpoint. It builds, starts and
 * closes them; the protocol lives in the duties.
 *
 * <p>Threads, each owned and closed here: {@code <id>-answer} (answers and indexing, in log order), {@code <id>-warm}
 * (sentence warm-up), {@code <id>-verify}, {@code <id>-leader}, {@code <id>-later} (retries, delayed answers, link
 * probes), {@code <id>-raft-faults} (delayed Raft traffic), {@code <id>-push} (status and record streams),
 * {@code <id>-api} and {@code <id>-metrics}. The apply thread only hands work to them.
 */
public final class Node implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Node.class);

    private final ClusterSpec.NodeSpec me;
    private final String tag;
    private final RagPipeline pipeline;
    private final Embedder voter;
    private final boolean ownsVoter;
    private final QueryStateMachine stateMachine;
    private final RaftServer raft;
    private final Proposer proposer;
    private final LinkProbes links;
    private final Server api;
    private final MetricsEndpoint metrics;
    private final List<ExecutorService> threads = new ArrayList<>();
    private final ExecutorService apiThreads;

    private Node(ClusterSpec spec, String id, Path dataDir, Optional<ClusterSecret> secret) throws IOException {
        this.me = spec.node(id);
        this.tag = id + "@" + spec.group().toString().substring(0, 8);
        checkPortsFree(me);
        EmbeddingModel model = EmbeddingModel.byId(me.model());
        this.pipeline = openPipeline(spec, me, dataDir, model);
        this.ownsVoter = model != Vote.MODEL;
        this.voter = ownsVoter ? OnnxEmbedder.load(Vote.MODEL, dataDir.resolve("models"), 1) : pipeline.embedder();
        ExecutorService answering = single(id + "-answer");
        ExecutorService warming = single(id + "-warm");
        ExecutorService verifying = single(id + "-verify");
        ScheduledExecutorService leading = scheduled(id + "-leader");
        ScheduledExecutorService later = scheduled(id + "-later");
        ScheduledExecutorService delivery = scheduled(id + "-raft-faults");
        ScheduledExecutorService pushes = scheduled(id + "-push");

        NodeFaults faults = new NodeFaults(id, spec.group().toString(), dataDir);
        NodeKeys keys = NodeKeys.inDir(dataDir);
        this.proposer = new Proposer(spec, id, tag, later, keys);
        RaftGroup group = RaftSetup.group(spec);
        Path raftDir = dataDir.resolve("raft");
        Path groupDir = raftDir.resolve(group.getGroupId().getUuid().toString());
        boolean existing = Files.isDirectory(groupDir);
        Parameters parameters = new Parameters();
        RaftTrafficFaults traffic = new RaftTrafficFaults(spec, faults, delivery);
        GrpcConfigKeys.Server.setServicesCustomizer(parameters, (builder, types) -> {
            builder.intercept(traffic);
            if (types.contains(GrpcServices.Type.SERVER)) {
                builder.addService(LinkProbes.service());
            }
            return builder;
        });
        Duties duties = new Duties(id);
        this.stateMachine = new QueryStateMachine(duties);
        proposer.registeredWhen(() -> stateMachine.hasKey(id));
        this.raft = RaftServer.newBuilder()
                .setServerId(RaftPeerId.valueOf(id))
                .setGroup(group)
                .setProperties(RaftSetup.server(me, raftDir))
                .setParameters(parameters)
                .setStateMachine(stateMachine)
                .setOption(existing ? RaftStorage.StartupOption.RECOVER : RaftStorage.StartupOption.FORMAT)
                .build();
        this.links = new LinkProbes(spec, id);
        Answerer answerer = new Answerer(
                id,
                me.model(),
                me.generator().describe(),
                tag,
                pipeline,
                voter,
                stateMachine,
                faults,
                proposer,
                answering,
                warming,
                later);
        NodeRuntime runtime = new NodeRuntime(me, raft, group.getGroupId(), answerer::sentences, links, faults);
        LeaderDuty leader = new LeaderDuty(spec, id, tag, stateMachine, runtime, proposer, faults, leading);
        Verifier verifier = new Verifier(spec, id, tag, voter, stateMachine, proposer);
        NodeServiceImpl service = new NodeServiceImpl(id, stateMachine, runtime, pushes);
        duties.set(answerer, leader, verifier, service, verifying, proposer);
        try {
            raft.start();
        } catch (IOException | RuntimeException e) {
            stopThreads(); // replaying the log may have started an ingest or a warm-up on the models closed below
            proposer.close();
            links.close();
            pipeline.close();
            if (ownsVoter) {
                voter.close();
            }
            if (existing && DamagedData.isCorruption(e)) {
                throw DamagedData.refusal(id, groupDir, e);
            }
            throw e;
        }
        // This node's public key, registered through the log so every node can check what it signs.
        proposer.propose(
                Entry.newBuilder()
                        .setKeyRegistration(
                                KeyRegistration.newBuilder().setNodeId(id).setPublicKey(keys.publicKey()))
                        .build(),
                "key registration",
                () -> !stateMachine.hasKey(id));
        this.apiThreads = Executors.newFixedThreadPool(4, named(id + "-api"));
        this.api = NettyServerBuilder.forAddress(new InetSocketAddress(me.host(), me.apiPort()))
                .executor(apiThreads)
                .addService(service)
                .addService(new FaultControlService(tag, faults).guarded(secret))
                .build()
                .start();
        this.metrics = new MetricsEndpoint(me, runtime, stateMachine);
        leader.start();
        links.start(later);
        answerer.warmSentences();
        log.info(
                "{} started: raft {}, api {}, metrics {}, retrieval {}, data {}{}",
                tag,
                me.raftAddress(),
                me.apiAddress(),
                me.metricsPort(),
                me.model(),
                dataDir,
                secret.isPresent() ? "" : "; no cluster secret, so fault control is refused");
    }

    /**
     * Starts a node of the cluster.
     *
     * @param secret the cluster's secret; without it the node refuses every fault-control call
     * @throws IllegalStateException with a message naming the port, file or model at fault
     */
    public static Node start(ClusterSpec spec, String id, Path dataDir, Optional<ClusterSecret> secret) {
        try {
            return new Node(spec, id, dataDir, secret);
        } catch (IOException e) {
            throw new IllegalStateException("Node " + id + " could not start: " + e.getMessage(), e);
        }
    }

    /** Hands the work each applied entry causes to the duty that does it, on that duty's own thread. */
    private static final class Duties implements QueryStateMachine.Listener {
        private final String me;
        private Answerer answerer;
        private LeaderDuty leader;
        private Verifier verifier;
        private NodeServiceImpl service;
        private ExecutorService verifying;
        private Proposer proposer;

        Duties(String me) {
            this.me = me;
        }

        void set(Answerer a, LeaderDuty l, Verifier v, NodeServiceImpl s, ExecutorService verifyOn, Proposer p) {
            this.proposer = p;
            this.answerer = a;
            this.leader = l;
            this.verifier = v;
            this.service = s;
            this.verifying = verifyOn;
        }

        @Override
        public void onQuery(Query query, long index) {
            leader.onQuery(query.getId());
            answerer.onQuery(query);
        }

        @Override
        public void onAnswer(Answer answer) {
            leader.onAnswer();
        }

        @Override
        public void onDecision(QueryRecord record) {
            leader.onDecided(record.getQuery().getId());
            if (!record.getDecision().getLeaderId().equals(me)) {
                answerer.work(verifying, () -> verifier.verify(record));
            }
        }

        @Override
        public void onKnowledge(KnowledgeUpdate update) {
            answerer.onKnowledge(update);
        }

        @Override
        public void onRecordChanged(QueryRecord record) {
            service.recordChanged(record);
        }

        @Override
        public void onLeader(String leaderId) {
            proposer.leaderIs(leaderId);
        }
    }

    /**
     * The node's pipeline with its own generator, checked before the node reports ready: a GGUF that does not load, or
     * a server that does not answer or does not list the model, stops the node's start with a message naming the node,
     * the file or URL, and what to do.
     */
    private static RagPipeline openPipeline(
            ClusterSpec spec, ClusterSpec.NodeSpec me, Path dataDir, EmbeddingModel model) {
        GeneratorSpec g = me.generator();
        String key = "";
        if (!g.apiKeyEnv().isEmpty()) {
            key = System.getenv(g.apiKeyEnv());
            if (key == null || key.isBlank()) {
                throw new IllegalStateException("cannot start: its generator's API key is read from"
                        + " the environment variable " + g.apiKeyEnv() + ", which is not set on this host. Set it"
                        + " before starting the node, or remove api-key-env from its line in the cluster file.");
            }
        }
        PipelineConfig config = PipelineConfig.defaults(dataDir)
                .withEmbeddingModel(model)
                .withThreads(1)
                .withGenerator(
                        g.kind(),
                        g.gguf().isEmpty() ? null : Path.of(g.gguf()),
                        g.url().isEmpty() ? null : java.net.URI.create(g.url()),
                        g.llmModel().isEmpty() ? null : g.llmModel(),
                        key)
                // A generator that is still writing when the leader stops waiting is of no use to the vote.
                .withTimeout(java.time.Duration.ofMillis(generationTimeoutMillis(spec.deadlineMillis())));
        try {
            return RagPipeline.open(config);
        } catch (RuntimeException e) {
            throw new IllegalStateException(
                    "cannot start: its generator ("
                            + g.describe() + ") is not usable: " + e.getMessage()
                            + (g.kind().equals("openai")
                                    ? " Start the server, or fix url= and llm-model= on the node's line in the cluster file."
                                    : g.kind().equals("llama")
                                            ? " Fix gguf= on the node's line in the cluster file."
                                            : ""),
                    e);
        }
    }

    /** How long a node's generator may take: three quarters of the answer deadline, so a late answer still counts. */
    static long generationTimeoutMillis(long deadlineMillis) {
        return Math.max(500, deadlineMillis * 3 / 4);
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

    private ExecutorService single(String name) {
        ExecutorService e = Executors.newSingleThreadExecutor(named(name));
        threads.add(e);
        return e;
    }

    private ScheduledExecutorService scheduled(String name) {
        ScheduledExecutorService e = Executors.newSingleThreadScheduledExecutor(named(name));
        threads.add(e);
        return e;
    }

    static ThreadFactory named(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    /** Stops the node's threads and waits for them: an embedding in progress must end before its model is closed. */
    private void stopThreads() {
        threads.forEach(ExecutorService::shutdownNow);
        for (ExecutorService t : threads) {
            try {
                t.awaitTermination(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void close() {
        api.shutdownNow();
        apiThreads.shutdownNow();
        metrics.close();
        links.close();
        proposer.close();
        try {
            raft.close();
        } catch (IOException e) {
            log.warn("{} closing the Raft server failed: {}", tag, e.getMessage());
        }
        stopThreads();
        if (ownsVoter) {
            voter.close();
        }
        pipeline.close();
        log.info("{} stopped", tag);
    }
}
