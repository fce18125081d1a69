package dev.missioncontrol.cluster.node;

import dev.missioncontrol.cluster.config.ClusterSpec;
import dev.missioncontrol.cluster.config.RaftSetup;
import dev.missioncontrol.cluster.proto.LinkProbe;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.ratis.proto.RaftProtos;
import org.apache.ratis.proto.grpc.RaftClientProtocolServiceGrpc;
import org.apache.ratis.proto.grpc.RaftServerProtocolServiceGrpc;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.thirdparty.io.grpc.ForwardingServerCall;
import org.apache.ratis.thirdparty.io.grpc.Metadata;
import org.apache.ratis.thirdparty.io.grpc.ServerCall;
import org.apache.ratis.thirdparty.io.grpc.ServerCallHandler;
import org.apache.ratis.thirdparty.io.grpc.ServerInterceptor;
import org.apache.ratis.thirdparty.io.grpc.Status;

/**
 * Network faults on a node's Raft port, where the node receives its peers' traffic: a message from a peer this node is
 * cut off from ends its call as a refused connection would (a partition), and a message from a peer behind a slow link
 * waits before Ratis sees it (added latency, order kept, later messages not held up by earlier ones).
 *
 * <p>Installed on the Raft port through Ratis's services customizer, it sees peer-to-peer Raft traffic, the client
 * requests a peer node's own client sends (a cut-off node's answers must not slip through another node's client port),
 * and the link probes; it leaves the console's and CLI's requests alone. The sender is read from each message: Raft
 * requests carry the requesting peer's id, a node's own client carries its node in its client id
 * ({@link RaftSetup#nodeOf}), a probe names its sender. A partition is a rule on both sides, so traffic stops in both
 * directions.
 *
 * <p>Delayed messages are delivered on one thread of the node's, one call at a time in arrival order.
 */
final class RaftTrafficFaults implements ServerInterceptor {
    private static final Set<String> PEER_SERVICES = Set.of(
            RaftServerProtocolServiceGrpc.SERVICE_NAME, RaftClientProtocolServiceGrpc.SERVICE_NAME, LinkProbes.SERVICE);

    private final ClusterSpec spec;
    private final NodeFaults faults;
    private final ScheduledExecutorService delivery;

    RaftTrafficFaults(ClusterSpec spec, NodeFaults faults, ScheduledExecutorService delivery) {
        this.spec = spec;
        this.faults = faults;
        this.delivery = delivery;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
            ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        if (!PEER_SERVICES.contains(call.getMethodDescriptor().getServiceName())) {
            return next.startCall(call, headers);
        }
        FaultyCall<Q, R> faulty = new FaultyCall<>(call);
        faulty.delegate = next.startCall(faulty, headers);
        return faulty.listener();
    }

    /** The node (peer id) a message on the Raft port comes from, or null when it is not from a node. */
    String senderOf(Object message) {
        if (message instanceof RaftProtos.AppendEntriesRequestProto r) {
            return peer(r.getServerRequest());
        } else if (message instanceof RaftProtos.RequestVoteRequestProto r) {
            return peer(r.getServerRequest());
        } else if (message instanceof RaftProtos.InstallSnapshotRequestProto r) {
            return peer(r.getServerRequest());
        } else if (message instanceof RaftProtos.StartLeaderElectionRequestProto r) {
            return peer(r.getServerRequest());
        } else if (message instanceof RaftProtos.ReadIndexRequestProto r) {
            return peer(r.getServerRequest());
        } else if (message instanceof RaftProtos.RaftClientRequestProto r) {
            ByteString id = r.getRpcRequest().getRequestorId();
            if (id.size() != 16) {
                return null;
            }
            ByteBuffer b = id.asReadOnlyByteBuffer();
            return RaftSetup.nodeOf(spec, new UUID(b.getLong(), b.getLong()));
        } else if (message instanceof byte[] probe) {
            try {
                return LinkProbe.parseFrom(probe).getFrom();
            } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                return null;
            }
        }
        return null;
    }

    private static String peer(RaftProtos.RaftRpcRequestProto request) {
        return request.getRequestorId().toStringUtf8();
    }

    /**
     * One call on the Raft port. Messages that must wait are queued with the time they are due and delivered in order,
     * so a message never overtakes an earlier one of its call; an event stays in the queue until it has been
     * delivered, so an empty queue means nothing is pending. To keep a delayed stream flowing, the next message is
     * asked for as soon as one arrives, and the handler's own request for it is absorbed. Calls into Ratis hold only
     * {@link #delivering}, never the queue's lock, so Ratis threads answering on this call cannot deadlock with it.
     */
    private final class FaultyCall<Q, R> extends ForwardingServerCall.SimpleForwardingServerCall<Q, R> {
        ServerCall.Listener<Q> delegate;
        private final Object lock = new Object();
        private final Object delivering = new Object();
        private final ArrayDeque<Due> queue = new ArrayDeque<>();
        private final AtomicInteger prefetched = new AtomicInteger();
        private volatile boolean cut;
        private String peer;

        private record Due(long atNanos, Runnable event) {}

        FaultyCall(ServerCall<Q, R> call) {
            super(call);
        }

        @Override
        public void request(int n) {
            int absorbed = 0;
            while (absorbed < n) {
                int p = prefetched.get();
                if (p == 0) {
                    break;
                }
                if (prefetched.compareAndSet(p, p - 1)) {
                    absorbed++;
                }
            }
            if (n - absorbed > 0) {
                super.request(n - absorbed);
            }
        }

        @Override
        public void sendMessage(R message) {
            if (!cut) { // a call ended by a partition sends nothing more
                super.sendMessage(message);
            }
        }

        @Override
        public void close(Status status, Metadata trailers) {
            if (!cut) {
                super.close(status, trailers);
            }
        }

        ServerCall.Listener<Q> listener() {
            return new ServerCall.Listener<>() {
                @Override
                public void onMessage(Q message) {
                    String from = senderOf(message);
                    boolean queued;
                    synchronized (lock) {
                        if (from != null) {
                            peer = from;
                        }
                        if (cut) {
                            return;
                        }
                        int delay = 0;
                        if (peer != null) {
                            String fault = faults.dropping(peer);
                            if (fault != null) {
                                cut = true;
                                FaultyCall.super.close(
                                        Status.UNAVAILABLE.withDescription(
                                                "cut off from " + peer + " by fault " + fault),
                                        new Metadata());
                                return;
                            }
                            delay = faults.delayFrom(peer);
                        }
                        queued = delay > 0 || !queue.isEmpty();
                        if (queued) {
                            prefetched.incrementAndGet();
                            enqueue(() -> delegate.onMessage(message), delay);
                        }
                    }
                    if (queued) {
                        FaultyCall.super.request(1);
                    } else {
                        deliver(() -> delegate.onMessage(message));
                    }
                }

                @Override
                public void onHalfClose() {
                    if (!cut) {
                        inOrder(() -> delegate.onHalfClose());
                    }
                }

                @Override
                public void onCancel() {
                    deliver(() -> delegate.onCancel());
                }

                @Override
                public void onComplete() {
                    inOrder(() -> delegate.onComplete());
                }

                @Override
                public void onReady() {
                    deliver(() -> delegate.onReady());
                }
            };
        }

        /** Delivers now, or after the queued events when there are any. */
        private void inOrder(Runnable event) {
            synchronized (lock) {
                if (!queue.isEmpty()) {
                    enqueue(event, 0);
                    return;
                }
            }
            deliver(event);
        }

        private void deliver(Runnable event) {
            synchronized (delivering) {
                event.run();
            }
        }

        /** Holds {@link #lock}. */
        private void enqueue(Runnable event, int delayMillis) {
            long due = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delayMillis);
            Due last = queue.peekLast();
            if (last != null && last.atNanos() > due) {
                due = last.atNanos();
            }
            queue.addLast(new Due(due, event));
            schedule(due);
        }

        private void schedule(long due) {
            try {
                delivery.schedule(this::drain, Math.max(0, due - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException stopping) {
                // The node is closing; its calls end with it.
            }
        }

        /** Runs on the single delivery thread: delivers every event that is due, oldest first. */
        private void drain() {
            while (true) {
                Due head;
                synchronized (lock) {
                    head = queue.peekFirst();
                    if (head == null) {
                        return;
                    }
                    if (head.atNanos() > System.nanoTime()) {
                        schedule(head.atNanos());
                        return;
                    }
                }
                try {
                    if (!cut) { // a call a partition ended gets its cancellation directly, nothing else
                        deliver(head.event());
                    }
                } finally {
                    synchronized (lock) {
                        queue.pollFirst();
                    }
                }
            }
        }
    }
}
