package dev.missioncontrol.cluster.client;

import dev.missioncontrol.cluster.config.ClusterSecret;
import dev.missioncontrol.cluster.config.ClusterSpec;
import dev.missioncontrol.cluster.config.RaftSetup;
import dev.missioncontrol.cluster.proto.AwaitRequest;
import dev.missioncontrol.cluster.proto.Entry;
import dev.missioncontrol.cluster.proto.FaultControlGrpc;
import dev.missioncontrol.cluster.proto.HistoryRequest;
import dev.missioncontrol.cluster.proto.KnowledgeUpdate;
import dev.missioncontrol.cluster.proto.NoOp;
import dev.missioncontrol.cluster.proto.NodeServiceGrpc;
import dev.missioncontrol.cluster.proto.NodeStatus;
import dev.missioncontrol.cluster.proto.Query;
import dev.missioncontrol.cluster.proto.QueryRecord;
import dev.missioncontrol.cluster.proto.Role;
import dev.missioncontrol.cluster.proto.StatusRequest;
import dev.missioncontrol.knowledge.rag.Questions;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.TimeDuration;

/**
 * Talks to a cluster: submits queries and documents through the Raft log, waits for decisions, reads node status and
 * decision history, and — with the cluster's secret — sets fault rules inside nodes. No JavaFX; every call has a
 * deadline. {@link #submit}, {@link #track} and {@link #ingest} never block the caller; {@link #status},
 * {@link #history}, {@link #leaveGroup}, {@link #addBack} and the fault-control calls block it for at most their
 * deadlines.
 *
 * <p>Thread-safe.
 */
public final class ClusterClient implements AutoCloseable {
    /** How long {@link #addBack} keeps asking while a returning node starts and catches up. */
    private static final int ADD_BACK_SECONDS = 120;
    /**
     * How long a submitter waits for a decision beyond the query's deadline: the leader may be lost just after it
     * committed the query, and a new one must be elected and close the query (Raft elects within about a second here).
     */
    public static final long FAILOVER_ALLOWANCE_MILLIS = 5_000;
    /**
     * How long a decision may wait, once logged, for q(n) nodes to have verified it (the leader and its endorsing
     * followers) or overruled it (disputing followers); a record still unverified then is returned as it is, and says so.
     */
    public static final long VERIFY_ALLOWANCE_MILLIS = 2_000;
    /** How long a leadership transfer may take. */
    private static final long LEADER_TRANSFER_MILLIS = 5_000;

    private static final long STATUS_DEADLINE_MILLIS = 1_000;
    private static final long CONTROL_DEADLINE_MILLIS = 3_000;

    private final ClusterSpec spec;
    private final Optional<ClusterSecret> secret;
    private volatile RaftClient raft;
    private final Map<String, ManagedChannel> channels = new LinkedHashMap<>();
    private final ExecutorService pool;

    /** A client that can watch and ask, not control faults. */
    public ClusterClient(ClusterSpec spec) {
        this(spec, Optional.empty());
    }

    /** @param secret the cluster's secret, needed for the fault-control calls */
    public ClusterClient(ClusterSpec spec, Optional<ClusterSecret> secret) {
        this.spec = spec;
        this.secret = secret;
        this.raft = RaftSetup.client(spec, TimeDuration.valueOf(spec.deadlineMillis(), TimeUnit.MILLISECONDS));
        for (var n : spec.nodes()) {
            channels.put(
                    n.id(),
                    NettyChannelBuilder.forAddress(n.host(), n.apiPort())
                            .usePlaintext()
                            .build());
        }
        this.pool = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "cluster-client");
            t.setDaemon(true);
            return t;
        });
    }

    public ClusterSpec spec() {
        return spec;
    }

    /** Whether this client holds the cluster's secret (may inject faults). */
    public boolean controls() {
        return secret.isPresent();
    }

    /** Why a submission failed: no quorum to commit, or no decision in time. */
    public static final class ClusterException extends RuntimeException {
        public ClusterException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Submits a question and completes with its decided record (query, every answer, decision).
     *
     * @throws IllegalArgumentException at once for an empty question
     */
    public CompletableFuture<QueryRecord> submit(String question) {
        return track(question).decided();
    }

    /**
     * A submitted query, followed step by step: its id (known at once), when the log committed it, and its decision.
     * Either future fails with a {@link ClusterException} that says what went wrong.
     */
    public record Submission(
            String queryId, CompletableFuture<Long> committed, CompletableFuture<QueryRecord> decided) {}

    /**
     * Submits a question and returns its progress: the query id at once, the log index once committed, the decided
     * record once every node has answered (or the leader closed the query).
     *
     * @throws IllegalArgumentException at once for an empty or too long question ({@link Questions})
     */
    public Submission track(String question) {
        return track(question, "");
    }

    /**
     * As {@link #track(String)}, saying who asks ("console root@ops-1", "fault probe f3"): shown with the decision to
     * everyone who watches the cluster.
     */
    public Submission track(String question, String origin) {
        String text = Questions.require(question);
        Query query = Query.newBuilder()
                .setId(UUID.randomUUID().toString().substring(0, 8))
                .setText(text)
                .setDeadlineMillis(spec.deadlineMillis())
                .setSubmittedAtMillis(System.currentTimeMillis())
                .setOrigin(origin)
                .build();
        long start = System.nanoTime();
        CompletableFuture<RaftClientReply> reply =
                send(Entry.newBuilder().setQuery(query).build());
        return new Submission(
                query.getId(),
                reply.thenApply(RaftClientReply::getLogIndex),
                reply.thenCompose(r -> awaitDecision(query.getId(), start)));
    }

    /** Adds a document to every node's knowledge base, in log order. */
    public CompletableFuture<Long> ingest(String doc, String markdown, String sourceName) {
        return send(Entry.newBuilder()
                        .setKnowledgeUpdate(KnowledgeUpdate.newBuilder()
                                .setDoc(doc)
                                .setMarkdown(markdown)
                                .setSourceName(sourceName))
                        .build())
                .thenApply(RaftClientReply::getLogIndex);
    }

    /**
     * Sends raw bytes as a log entry, once, to the node that leads now; fails with that node's reason when it refuses
     * the entry. For checking how nodes treat malformed input.
     */
    public CompletableFuture<RaftClientReply> sendRaw(byte[] data) {
        String leader = leader().orElseThrow(() -> new ClusterException("No node leads now", null));
        RaftClient once = RaftSetup.once(spec, leader);
        return once.async()
                .send(Message.valueOf(ByteString.copyFrom(data)))
                .thenApply(r -> {
                    if (!r.isSuccess()) {
                        throw new CompletionException(r.getException());
                    }
                    return r;
                })
                .whenComplete((r, e) -> {
                    try {
                        once.close();
                    } catch (IOException ignored) {
                        // Nothing left to release.
                    }
                });
    }

    /**
     * Sends {@code count} entries that change nothing ({@code NoOp}) at once, on this client's ordered, pipelined window;
     * completes when all are committed. For commit-rate measurements, and to move the log forward past a snapshot. A
     * window that a leader change closes takes the entries after the failed one with it: those are sent again on a fresh
     * client (at most three times), so the count arrives even when the leader changes under load.
     */
    public CompletableFuture<Void> sendNoOps(int count) {
        return sendNoOps(count, 3);
    }

    private CompletableFuture<Void> sendNoOps(int count, int retries) {
        Message noOp = Message.valueOf(ByteString.copyFrom(
                Entry.newBuilder().setNoOp(NoOp.getDefaultInstance()).build().toByteArray()));
        return CompletableFuture.supplyAsync(this::aimed, pool).thenCompose(used -> {
            AtomicInteger failed = new AtomicInteger();
            AtomicReference<Throwable> firstFailure = new AtomicReference<>();
            CompletableFuture<?>[] sends = new CompletableFuture<?>[count];
            for (int i = 0; i < count; i++) {
                sends[i] = used.async().send(noOp).handle((reply, e) -> {
                    if (e != null || !reply.isSuccess()) {
                        failed.incrementAndGet();
                        firstFailure.compareAndSet(null, e != null ? e : reply.getException());
                    }
                    return null;
                });
            }
            return CompletableFuture.allOf(sends).thenCompose(done -> {
                int missing = failed.get();
                if (missing == 0) {
                    return CompletableFuture.completedFuture(null);
                }
                replace(used);
                if (retries == 0) {
                    Throwable cause = firstFailure.get();
                    return CompletableFuture.failedFuture(new ClusterException(
                            missing + " of " + count + " no-op entries were not committed. " + message(cause), cause));
                }
                return sendNoOps(missing, retries - 1);
            });
        });
    }

    /** Sends an entry through the log; never blocks the caller (the leader check runs on this client's pool). */
    private CompletableFuture<RaftClientReply> send(Entry entry) {
        Message message = Message.valueOf(ByteString.copyFrom(entry.toByteArray()));
        return CompletableFuture.supplyAsync(this::aimed, pool)
                .thenCompose(used -> used.async().send(message).handle((reply, e) -> {
                    if (e != null || !reply.isSuccess()) {
                        // A request that ran out of retries closes the client's ordered window for good, and with it
                        // every later request: start the next one on a fresh client.
                        replace(used);
                        Throwable cause = e != null ? e : reply.getException();
                        throw new ClusterException(
                                "No quorum: the cluster could not commit the entry within "
                                        + spec.deadlineMillis() + " ms (" + reachable() + " of " + spec.size()
                                        + " nodes reachable, " + spec.majority() + " needed). " + message(cause),
                                cause);
                    }
                    return reply;
                }));
    }

    /**
     * The Raft client, aimed at the leader the nodes name. A client aimed at a leader that has frozen or been cut off
     * waits a request timeout, and Ratis then spends seconds closing its connection, before it tries another node; so
     * before each entry the nodes are asked who leads (the first answer counts, at most once a second) and a client
     * aimed elsewhere is replaced.
     */
    private RaftClient aimed() {
        long now = System.nanoTime();
        if (now - leaderCheckedAt < 1_000_000_000L) {
            return raft;
        }
        leaderCheckedAt = now;
        String leader = leaderNamed();
        synchronized (this) {
            RaftClient current = raft;
            if (leader != null && !leader.equals(String.valueOf(current.getLeaderId()))) {
                raft = RaftSetup.client(
                        spec, TimeDuration.valueOf(spec.deadlineMillis(), TimeUnit.MILLISECONDS), leader);
                // Entries still on their way through the old client finish there; it is closed later.
                CompletableFuture.delayedExecutor(30, TimeUnit.SECONDS, pool).execute(() -> {
                    try {
                        current.close();
                    } catch (IOException ignored) {
                        // Nothing left to release.
                    }
                });
            }
            return raft;
        }
    }

    private volatile long leaderCheckedAt = Long.MIN_VALUE / 2;

    /** The leader the first node to answer names, within a second; null when none answers or none knows. */
    private String leaderNamed() {
        CompletableFuture<String> named = new CompletableFuture<>();
        java.util.concurrent.atomic.AtomicInteger left = new java.util.concurrent.atomic.AtomicInteger(spec.size());
        for (var n : spec.nodes()) {
            NodeServiceGrpc.newStub(channels.get(n.id()))
                    .withDeadlineAfter(STATUS_DEADLINE_MILLIS, TimeUnit.MILLISECONDS)
                    .status(StatusRequest.getDefaultInstance(), new io.grpc.stub.StreamObserver<>() {
                        @Override
                        public void onNext(NodeStatus s) {
                            if (!s.getLeaderId().isEmpty()) {
                                named.complete(s.getLeaderId());
                            }
                        }

                        @Override
                        public void onError(Throwable t) {
                            if (left.decrementAndGet() == 0) {
                                named.complete(null);
                            }
                        }

                        @Override
                        public void onCompleted() {
                            if (left.decrementAndGet() == 0) {
                                named.complete(null);
                            }
                        }
                    });
        }
        try {
            return named.get(STATUS_DEADLINE_MILLIS + 200, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            return null;
        }
    }

    private synchronized void replace(RaftClient broken) {
        if (raft == broken) {
            raft = RaftSetup.client(spec, TimeDuration.valueOf(spec.deadlineMillis(), TimeUnit.MILLISECONDS));
            try {
                broken.close();
            } catch (IOException ignored) {
                // The broken client's connections are gone already.
            }
        }
    }

    /**
     * Waits for a query's decision on every node at once and takes the first that has it: the node that committed the
     * query may be frozen or cut off by now, and the others decide without it. Each node returns the record once the
     * decision is verified or overruled, or {@link #VERIFY_ALLOWANCE_MILLIS} after it was logged.
     */
    private CompletableFuture<QueryRecord> awaitDecision(String queryId, long startNanos) {
        long budget = spec.deadlineMillis() + FAILOVER_ALLOWANCE_MILLIS;
        long left = Math.max(1, budget - (System.nanoTime() - startNanos) / 1_000_000);
        CompletableFuture<QueryRecord> first = new CompletableFuture<>();
        List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (var n : spec.nodes()) {
            NodeServiceGrpc.newStub(channels.get(n.id()))
                    .withDeadlineAfter(left + VERIFY_ALLOWANCE_MILLIS + 500, TimeUnit.MILLISECONDS)
                    .awaitDecision(
                            AwaitRequest.newBuilder()
                                    .setQueryId(queryId)
                                    .setTimeoutMillis(left)
                                    .setVerifyMillis(VERIFY_ALLOWANCE_MILLIS)
                                    .build(),
                            new io.grpc.stub.StreamObserver<>() {
                                @Override
                                public void onNext(QueryRecord r) {
                                    first.complete(r);
                                }

                                @Override
                                public void onError(Throwable t) {
                                    failures.add(t);
                                    if (failures.size() == spec.size()) {
                                        first.completeExceptionally(t);
                                    }
                                }

                                @Override
                                public void onCompleted() {
                                    // The record came with onNext.
                                }
                            });
        }
        return first.orTimeout(left + VERIFY_ALLOWANCE_MILLIS + 1_000, TimeUnit.MILLISECONDS)
                .handle((r, e) -> {
                    if (e == null) {
                        return r;
                    }
                    Throwable last = failures.isEmpty() ? e : failures.getLast();
                    throw new CompletionException(new ClusterException(
                            "Query " + queryId + " was committed but no node had its decision within " + budget
                                    + " ms (the "
                                    + spec.deadlineMillis() + " ms deadline and " + FAILOVER_ALLOWANCE_MILLIS
                                    + " ms for a"
                                    + " new leader). The cluster may still decide it: it will be in the history. "
                                    + message(last),
                            last));
                });
    }

    /**
     * Status of every node, asked of all at once; a node that does not answer within a second is reported with role
     * {@link Role#UNREACHABLE}.
     */
    public List<NodeStatus> status() {
        return status(STATUS_DEADLINE_MILLIS);
    }

    /** As {@link #status()}, with another deadline (a watcher that must not wait a second for a frozen node). */
    public List<NodeStatus> status(long deadlineMillis) {
        Map<String, com.google.common.util.concurrent.ListenableFuture<NodeStatus>> asked = new LinkedHashMap<>();
        for (var n : spec.nodes()) {
            asked.put(
                    n.id(),
                    NodeServiceGrpc.newFutureStub(channels.get(n.id()))
                            .withDeadlineAfter(deadlineMillis, TimeUnit.MILLISECONDS)
                            .status(StatusRequest.getDefaultInstance()));
        }
        List<NodeStatus> out = new ArrayList<>();
        asked.forEach((id, f) -> out.add(answered(id, f, deadlineMillis)));
        return out;
    }

    private NodeStatus answered(String id, java.util.concurrent.Future<NodeStatus> f, long deadlineMillis) {
        try {
            return f.get(deadlineMillis + 500, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return unreachable(id);
        } catch (java.util.concurrent.ExecutionException e) {
            return unreachable(id, e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            return unreachable(id);
        }
    }

    /**
     * A node that did not answer. When it could not be connected to, gRPC would wait before connecting again (1 s,
     * 1.6 s, 2.6 s … up to two minutes) and fail every call at once meanwhile, so a node that has just started or been
     * restarted would be seen only seconds after it listens: the next call connects afresh (a refused connect to a
     * node that is still down costs nothing).
     */
    private NodeStatus unreachable(String id, Throwable why) {
        if (why instanceof StatusRuntimeException e && e.getStatus().getCode() == io.grpc.Status.Code.UNAVAILABLE) {
            channels.get(id).resetConnectBackoff();
        }
        return unreachable(id);
    }

    private static NodeStatus unreachable(String id) {
        return NodeStatus.newBuilder().setNodeId(id).setRole(Role.UNREACHABLE).build();
    }

    /**
     * Waits until every node answers and one of them leads. Returns false when the time runs out or {@code giveUp}
     * says to stop (a node process ended during start).
     */
    public boolean awaitReady(long timeoutMillis, java.util.function.BooleanSupplier giveUp) {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (System.nanoTime() < end && !giveUp.getAsBoolean()) {
            List<NodeStatus> all = status();
            if (all.stream().noneMatch(s -> s.getRole() == Role.UNREACHABLE)
                    && all.stream().anyMatch(s -> s.getRole() == Role.LEADER)) {
                return true;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
        }
        return false;
    }

    /** The node that reports itself leader now, if any node does. */
    public Optional<String> leader() {
        return status().stream()
                .filter(s -> s.getRole() == Role.LEADER)
                .map(NodeStatus::getNodeId)
                .findFirst();
    }

    public NodeStatus status(String nodeId) {
        spec.node(nodeId);
        try {
            return NodeServiceGrpc.newBlockingStub(channels.get(nodeId))
                    .withDeadlineAfter(STATUS_DEADLINE_MILLIS, TimeUnit.MILLISECONDS)
                    .status(StatusRequest.getDefaultInstance());
        } catch (StatusRuntimeException e) {
            return unreachable(nodeId, e);
        }
    }

    /**
     * The fault-control calls of one node, carrying the cluster's secret, each with a deadline of a few seconds.
     *
     * @throws IllegalStateException when this client has no secret
     */
    public FaultControlGrpc.FaultControlBlockingStub control(String nodeId) {
        spec.node(nodeId);
        ClusterSecret s = secret.orElseThrow(() ->
                new IllegalStateException("No cluster secret: this client can watch and ask, not inject faults."));
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of(ClusterSecret.HEADER, Metadata.ASCII_STRING_MARSHALLER), s.token());
        return FaultControlGrpc.newBlockingStub(channels.get(nodeId))
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
                .withDeadlineAfter(CONTROL_DEADLINE_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** Decision history as one node has applied it. */
    public List<QueryRecord> history(String nodeId) {
        return history(nodeId, 0);
    }

    /** The last {@code limit} records one node has applied (all when 0), oldest first. */
    public List<QueryRecord> history(String nodeId, int limit) {
        spec.node(nodeId);
        return NodeServiceGrpc.newBlockingStub(channels.get(nodeId))
                .withDeadlineAfter(5, TimeUnit.SECONDS)
                .history(HistoryRequest.newBuilder().setLimit(limit).build())
                .getRecordsList();
    }

    /**
     * Takes a node out of the Raft group (a configuration change through the log). With the node out, the leader
     * forgets how far the node's log reached; {@link #addBack} then catches the node up from nothing. Used to bring
     * back a node whose Raft directory was damaged and set aside. The others must still be a majority without it.
     *
     * @throws ClusterException saying why the change was refused
     */
    public void leaveGroup(String nodeId) {
        spec.node(nodeId); // throws for an unknown id
        setConfiguration(
                RaftSetup.group(spec).getPeers().stream()
                        .filter(p -> !p.getId().toString().equals(nodeId))
                        .toList(),
                "take " + nodeId + " out of the group");
    }

    /**
     * Puts every node of the cluster file back in the Raft group. The leader copies its whole log (or snapshot) to a
     * returning node before the change commits, so this returns once that node has caught up; the node must be
     * running.
     *
     * @throws ClusterException saying why the change was refused or did not finish
     */
    public void addBack(String nodeId) {
        spec.node(nodeId);
        // A node that has just been started may still be loading its models: the leader gives up on a new peer that
        // does not answer within a few election timeouts, so ask again until it has caught up.
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(ADD_BACK_SECONDS);
        while (true) {
            try {
                setConfiguration(
                        List.copyOf(RaftSetup.group(spec).getPeers()), "bring " + nodeId + " back into the group");
                return;
            } catch (ClusterException e) {
                if (System.nanoTime() > end) {
                    throw new ClusterException(
                            e.getMessage() + ". " + nodeId + " is out of the group, so the cluster tolerates one"
                                    + " failure fewer until it is back: check " + nodeId + "'s log, stop it and"
                                    + " rebuild it again.",
                            e);
                }
                try {
                    Thread.sleep(1_000);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    /**
     * Asks the leader to hand its leadership to a node (Raft's leadership transfer: the leader brings the node's log up
     * to date and tells it to start an election at once). Returns once the node leads.
     *
     * @throws ClusterException saying why the transfer was refused or did not finish
     */
    public void transferLeadership(String nodeId) {
        spec.node(nodeId);
        admin("make " + nodeId + " the leader", () -> raft.admin()
                .transferLeadership(org.apache.ratis.protocol.RaftPeerId.valueOf(nodeId), LEADER_TRANSFER_MILLIS));
    }

    private void setConfiguration(List<RaftPeer> peers, String what) {
        admin(what, () -> raft.admin().setConfiguration(peers));
    }

    /** A Raft admin request that the leader carries out or refuses. */
    private interface AdminCall {
        RaftClientReply send() throws IOException;
    }

    private void admin(String what, AdminCall call) {
        try {
            RaftClientReply reply = call.send();
            if (!reply.isSuccess()) {
                throw new ClusterException(
                        "Could not " + what + ": "
                                + (reply.getException() == null
                                        ? "the leader refused"
                                        : reply.getException().getMessage()),
                        reply.getException());
            }
        } catch (IOException e) {
            throw new ClusterException("Could not " + what + ": " + e.getMessage(), e);
        }
    }

    /** The gRPC channel to a node, for streaming calls (the console's status view). */
    public ManagedChannel channel(String nodeId) {
        return channels.get(nodeId);
    }

    private int reachable() {
        return (int)
                status().stream().filter(s -> s.getRole() != Role.UNREACHABLE).count();
    }

    private static String message(Throwable t) {
        Throwable c = t;
        while (c instanceof CompletionException && c.getCause() != null) {
            c = c.getCause();
        }
        return c == null ? "" : c.getClass().getSimpleName() + (c.getMessage() == null ? "" : ": " + c.getMessage());
    }

    @Override
    public void close() {
        try {
            raft.close();
        } catch (IOException e) {
            // Closing a client that could not reach anyone: nothing left to release.
        }
        channels.values().forEach(ManagedChannel::shutdownNow);
        pool.shutdownNow();
    }
}
