package dev.missioncontrol.cluster.client;

import dev.missioncontrol.cluster.config.ClusterSpec;
import dev.missioncontrol.cluster.config.RaftSetup;
import dev.missioncontrol.cluster.proto.AwaitRequest;
import dev.missioncontrol.cluster.proto.Dispute;
import dev.missioncontrol.cluster.proto.Entry;
import dev.missioncontrol.cluster.proto.HistoryRequest;
import dev.missioncontrol.cluster.proto.KnowledgeUpdate;
import dev.missioncontrol.cluster.proto.NodeServiceGrpc;
import dev.missioncontrol.cluster.proto.NodeStatus;
import dev.missioncontrol.cluster.proto.Query;
import dev.missioncontrol.cluster.proto.QueryRecord;
import dev.missioncontrol.cluster.proto.StatusRequest;
import dev.missioncontrol.knowledge.rag.Questions;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
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
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.TimeDuration;

/**
 * Talks to a cluster: submits queries and documents through the Raft log, waits for decisions, reads node status and
 * decision history. No JavaFX; every call has a deadline; blocking work runs on this client's own small pool.
 *
 * <p>Thread-safe.
 */
public final class ClusterClient implements AutoCloseable {
    /** How long {@link #addBack} keeps asking while a returning node starts and catches up. */
    private static final int ADD_BACK_SECONDS = 120;

    private final ClusterSpec spec;
    private volatile RaftClient raft;
    private final Map<String, ManagedChannel> channels = new LinkedHashMap<>();
    private final ExecutorService pool;

    public ClusterClient(ClusterSpec spec) {
        this.spec = spec;
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
        String text = Questions.require(question);
        Query query = Query.newBuilder()
                .setId(UUID.randomUUID().toString().substring(0, 8))
                .setText(text)
                .setDeadlineMillis(spec.deadlineMillis())
                .setSubmittedAtMillis(System.currentTimeMillis())
                .build();
        long start = System.nanoTime();
        CompletableFuture<RaftClientReply> reply =
                send(Entry.newBuilder().setQuery(query).build());
        return new Submission(
                query.getId(),
                reply.thenApply(RaftClientReply::getLogIndex),
                reply.thenApplyAsync(
                        r -> awaitDecision(query.getId(), r.getServerId().toString(), start), pool));
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
     * Sends raw bytes as a log entry through a client of its own that does not retry; for checking how nodes treat
     * malformed input.
     */
    public CompletableFuture<RaftClientReply> sendRaw(byte[] data) {
        RaftClient once = RaftSetup.client(spec, TimeDuration.valueOf(1, TimeUnit.SECONDS));
        return once.async().send(Message.valueOf(ByteString.copyFrom(data))).whenComplete((r, e) -> {
            try {
                once.close();
            } catch (IOException ignored) {
                // Nothing left to release.
            }
        });
    }

    /**
     * Sends {@code count} small entries that change nothing (a dispute of a query that does not exist) at once, on this
     * client's ordered, pipelined window; completes when all are committed. For commit-rate measurements, and to move
     * the log forward past a snapshot.
     */
    public CompletableFuture<Void> sendNoOps(int count) {
        Message noOp = Message.valueOf(ByteString.copyFrom(Entry.newBuilder()
                .setDispute(Dispute.newBuilder().setQueryId("no-such-query").setNodeId("no-op"))
                .build()
                .toByteArray()));
        CompletableFuture<?>[] sends = new CompletableFuture<?>[count];
        for (int i = 0; i < count; i++) {
            sends[i] = raft.async().send(noOp);
        }
        return CompletableFuture.allOf(sends);
    }

    private CompletableFuture<RaftClientReply> send(Entry entry) {
        RaftClient used = raft;
        return used.async()
                .send(Message.valueOf(ByteString.copyFrom(entry.toByteArray())))
                .handle((reply, e) -> {
                    if (e != null || !reply.isSuccess()) {
                        // A request that ran out of retries closes the client's ordered window for good, and with it
                        // every later request: start the next one on a fresh client.
                        replace(used);
                        Throwable cause = e != null ? e : reply.getException();
                        throw new ClusterException(
                                "No quorum: the cluster could not commit the entry within "
                                        + spec.deadlineMillis() + " ms (" + reachable() + " of " + spec.size()
                                        + " nodes reachable, " + (spec.size() / 2 + 1) + " needed). " + message(cause),
                                cause);
                    }
                    return reply;
                });
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

    private QueryRecord awaitDecision(String queryId, String preferred, long startNanos) {
        List<String> order = new ArrayList<>();
        order.add(preferred);
        spec.nodes().forEach(n -> {
            if (!order.contains(n.id())) {
                order.add(n.id());
            }
        });
        long budget = spec.deadlineMillis() + 5_000;
        StatusRuntimeException last = null;
        for (String node : order) {
            long left = budget - (System.nanoTime() - startNanos) / 1_000_000;
            if (left <= 0 || channels.get(node) == null) {
                break;
            }
            try {
                return NodeServiceGrpc.newBlockingStub(channels.get(node))
                        .withDeadlineAfter(left + 500, TimeUnit.MILLISECONDS)
                        .awaitDecision(AwaitRequest.newBuilder()
                                .setQueryId(queryId)
                                .setTimeoutMillis(left)
                                .build());
            } catch (StatusRuntimeException e) {
                last = e;
            }
        }
        throw new CompletionException(new ClusterException(
                "Query " + queryId + " was committed but no decision" + " arrived within " + budget + " ms. "
                        + (last == null ? "" : message(last)),
                last));
    }

    /** Status of every node; a node that does not answer within a second is reported with role DOWN. */
    public List<NodeStatus> status() {
        List<NodeStatus> out = new ArrayList<>();
        for (var n : spec.nodes()) {
            out.add(status(n.id()));
        }
        return out;
    }

    /** The node that reports itself leader now, if any node does. */
    public Optional<String> leader() {
        return status().stream()
                .filter(s -> "LEADER".equals(s.getRole()))
                .map(NodeStatus::getNodeId)
                .findFirst();
    }

    public NodeStatus status(String nodeId) {
        try {
            return NodeServiceGrpc.newBlockingStub(channels.get(nodeId))
                    .withDeadlineAfter(1, TimeUnit.SECONDS)
                    .status(StatusRequest.getDefaultInstance());
        } catch (StatusRuntimeException e) {
            return NodeStatus.newBuilder().setNodeId(nodeId).setRole("DOWN").build();
        }
    }

    /** Decision history as one node has applied it. */
    public List<QueryRecord> history(String nodeId) {
        return NodeServiceGrpc.newBlockingStub(channels.get(nodeId))
                .withDeadlineAfter(5, TimeUnit.SECONDS)
                .history(HistoryRequest.getDefaultInstance())
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

    private void setConfiguration(List<RaftPeer> peers, String what) {
        try {
            RaftClientReply reply = raft.admin().setConfiguration(peers);
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
        int n = 0;
        for (var s : status()) {
            if (!"DOWN".equals(s.getRole())) {
                n++;
            }
        }
        return n;
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
