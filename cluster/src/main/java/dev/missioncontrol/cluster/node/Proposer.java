package dev.missioncontrol.cluster.node;

import dev.missioncontrol.cluster.config.ClusterSpec;
import dev.missioncontrol.cluster.config.RaftSetup;
import dev.missioncontrol.cluster.proto.Entry;
import java.io.IOException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.TimeDuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a node puts its own entries (answers, decisions, disputes) into the log, signed with its own key
 * ({@link Signatures}), and keeps trying while they are still wanted.
 *
 * <p>A Ratis client whose request runs out of retries closes its ordered window for good, and every later request
 * with it: a node cut off or frozen for longer than the client's patience would never propose again. So a failed
 * proposal replaces the client, and the entry is proposed again after a pause for as long as its caller still wants
 * it (the query is undecided, the node still leads, …). The state machine ignores a second copy deterministically
 * (one answer per node, the first decision), so retrying cannot duplicate anything.
 *
 * <p>When the node learns of a new leader ({@link #leaderIs}), its client is replaced by one that sends straight to
 * it: a client left aiming at a leader that froze or was cut off would spend a request timeout on it for every entry
 * before trying elsewhere. Proposals still pending on the old client fail when it closes and are proposed again.
 *
 * <p>Thread-safe. Retries run on the given scheduler.
 */
final class Proposer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Proposer.class);
    /** How long one attempt may take before its client gives up: a few elections' worth. */
    private static final TimeDuration PATIENCE = TimeDuration.valueOf(5, TimeUnit.SECONDS);

    private static final long RETRY_AFTER_MILLIS = 250;

    private final ClusterSpec spec;
    private final String nodeId;
    private final String tag;
    private final ScheduledExecutorService retries;
    private final NodeKeys keys;
    private volatile BooleanSupplier registered = () -> true;
    private volatile RaftClient client;
    private volatile String leader;
    private volatile boolean closed;

    Proposer(ClusterSpec spec, String nodeId, String tag, ScheduledExecutorService retries, NodeKeys keys) {
        this.spec = spec;
        this.keys = keys;
        this.nodeId = nodeId;
        this.tag = tag;
        this.retries = retries;
        this.client = RaftSetup.nodeClient(spec, nodeId, PATIENCE);
    }

    /**
     * Proposes an entry; on failure proposes it again, on a fresh client, while {@code stillWanted} says so.
     *
     * @param what for the log: "answer to q1"
     */
    void propose(Entry entry, String what, BooleanSupplier stillWanted) {
        Entry signed = Signatures.sign(entry, keys.privateKey());
        Message message = Message.valueOf(ByteString.copyFrom(signed.toByteArray()));
        if (Signatures.signed(entry)) {
            afterRegistration(message, what, stillWanted);
        } else {
            attempt(message, what, stillWanted, 1);
        }
    }

    /**
     * Where this node learns that its key registration is in its own state machine. A signed entry waits for it: once
     * the registration is applied here, every node applies it before anything proposed later, so no node rejects the
     * entry for a key it has not seen yet (a rejected entry is not proposed again).
     */
    void registeredWhen(BooleanSupplier registered) {
        this.registered = registered;
    }

    private void afterRegistration(Message message, String what, BooleanSupplier stillWanted) {
        if (closed) {
            return;
        }
        if (registered.getAsBoolean()) {
            // Sent once whatever stillWanted says (a slow node's answer after the decision is kept as late).
            attempt(message, what, stillWanted, 1);
            return;
        }
        if (!stillWanted.getAsBoolean()) {
            return;
        }
        try {
            retries.schedule(
                    () -> afterRegistration(message, what, stillWanted), RETRY_AFTER_MILLIS, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException stopping) {
            // The node is closing: nothing more to propose.
        }
    }

    private void attempt(Message message, String what, BooleanSupplier stillWanted, int attempt) {
        if (closed) {
            return;
        }
        RaftClient used = client;
        used.async().send(message).whenComplete((reply, e) -> {
            if (e == null && reply.isSuccess()) {
                if (attempt > 1) {
                    log.info("{} logged {} at attempt {}", tag, what, attempt);
                }
                return;
            }
            replace(used);
            Throwable why = e != null ? e : reply.getException();
            if (closed || !stillWanted.getAsBoolean()) {
                return;
            }
            if (attempt == 1 || attempt % 10 == 0) {
                log.warn(
                        "{} could not log {} (attempt {}): {}; trying again",
                        tag,
                        what,
                        attempt,
                        why == null ? "refused" : why.getMessage());
            }
            try {
                retries.schedule(
                        () -> {
                            if (stillWanted.getAsBoolean()) {
                                attempt(message, what, stillWanted, attempt + 1);
                            }
                        },
                        RETRY_AFTER_MILLIS,
                        TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException stopping) {
                // The node is closing: nothing more to propose.
            }
        });
    }

    private synchronized void replace(RaftClient broken) {
        if (client == broken && !closed) {
            client = RaftSetup.nodeClient(spec, nodeId, PATIENCE, leader);
            closeLater(broken);
        }
    }

    /** The node learned of a new leader: from now on its entries go straight there. Any thread; does not block. */
    synchronized void leaderIs(String newLeader) {
        if (closed || newLeader.equals(leader)) {
            return;
        }
        leader = newLeader;
        RaftClient old = client;
        client = RaftSetup.nodeClient(spec, nodeId, PATIENCE, newLeader);
        closeLater(old); // what was pending on it fails and is proposed again on the new client
    }

    private void closeLater(RaftClient c) {
        try {
            retries.execute(() -> close(c));
        } catch (RejectedExecutionException stopping) {
            close(c);
        }
    }

    private void close(RaftClient c) {
        try {
            c.close();
        } catch (IOException e) {
            log.debug("{} closing a Raft client: {}", tag, e.getMessage());
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        close(client);
    }
}
