package dev.missioncontrol.cluster.node;

import dev.missioncontrol.cluster.config.ClusterSpec;
import dev.missioncontrol.cluster.proto.LinkProbe;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.thirdparty.io.grpc.MethodDescriptor;
import org.apache.ratis.thirdparty.io.grpc.ServerServiceDefinition;
import org.apache.ratis.thirdparty.io.grpc.stub.ServerCalls;

/**
 * Measures this node's Raft links: twice a second it sends each peer a small probe to the peer's Raft port, where the
 * peer answers it at once. A probe takes the same path as Raft traffic and meets the same faults (dropped by a
 * partition, delayed by a slow link), so its round trip is the link's as Raft sees it. Reported in the node's status,
 * where the console draws the links and the fault controller confirms a cut or a slow link.
 *
 * <p>Thread-safe. Probes are asynchronous: a probe to a frozen peer waits without holding anything up.
 */
final class LinkProbes implements AutoCloseable {
    static final String SERVICE = "missioncontrol.cluster.LinkProbes";
    private static final String METHOD = "Probe";
    static final long INTERVAL_MILLIS = 500;
    /** Longer than the longest slow link the controller accepts, so a slow link is measured, not lost. */
    private static final long DEADLINE_MILLIS = 7_000;
    /** A probe unanswered for this long marks the link unreachable before its deadline passes. */
    private static final long SILENT_MILLIS = 1_500;

    private final String me;
    private final Map<String, Link> links = new LinkedHashMap<>();
    private final io.grpc.MethodDescriptor<byte[], byte[]> probe = io.grpc.MethodDescriptor.<byte[], byte[]>newBuilder()
            .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
            .setFullMethodName(io.grpc.MethodDescriptor.generateFullMethodName(SERVICE, METHOD))
            .setRequestMarshaller(new ClientBytes())
            .setResponseMarshaller(new ClientBytes())
            .build();

    /** What a node knows of one link now. */
    record View(double rttMillis, boolean reachable) {}

    private static final class Link {
        final ManagedChannel channel;
        volatile double rtt = -1;
        volatile boolean reachable;
        volatile long sentAt; // nanoTime of the probe in flight, 0 when none

        Link(ManagedChannel channel) {
            this.channel = channel;
        }
    }

    LinkProbes(ClusterSpec spec, String me) {
        this.me = me;
        for (var n : spec.nodes()) {
            if (!n.id().equals(me)) {
                links.put(
                        n.id(),
                        new Link(NettyChannelBuilder.forAddress(n.host(), n.raftPort())
                                .usePlaintext()
                                .build()));
            }
        }
    }

    /** Probes every peer at a fixed rate on the scheduler. */
    void start(ScheduledExecutorService scheduler) {
        scheduler.scheduleAtFixedRate(this::probeAll, INTERVAL_MILLIS, INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
    }

    private void probeAll() {
        byte[] request = LinkProbe.newBuilder().setFrom(me).build().toByteArray();
        long now = System.nanoTime();
        for (Link link : links.values()) {
            long sent = link.sentAt;
            if (sent != 0) {
                if (now - sent > TimeUnit.MILLISECONDS.toNanos(SILENT_MILLIS)) {
                    link.reachable = false; // still waiting: a frozen peer, or one whose traffic waits
                }
                continue;
            }
            link.sentAt = now;
            ClientCalls.asyncUnaryCall(
                    link.channel.newCall(
                            probe, CallOptions.DEFAULT.withDeadlineAfter(DEADLINE_MILLIS, TimeUnit.MILLISECONDS)),
                    request,
                    new StreamObserver<>() {
                        @Override
                        public void onNext(byte[] reply) {
                            link.rtt = (System.nanoTime() - now) / 1e6;
                            link.reachable = true;
                        }

                        @Override
                        public void onError(Throwable t) {
                            link.rtt = -1;
                            link.reachable = false;
                            link.sentAt = 0;
                            // gRPC waits longer and longer before it reconnects to a peer that went away (seconds,
                            // then minutes): a peer restarted on its port would look cut off long after it is back.
                            link.channel.resetConnectBackoff();
                        }

                        @Override
                        public void onCompleted() {
                            link.sentAt = 0;
                        }
                    });
        }
    }

    /** Every peer's link as last measured. */
    Map<String, View> views() {
        Map<String, View> out = new LinkedHashMap<>();
        links.forEach((peer, l) -> out.put(peer, new View(l.rtt, l.reachable)));
        return out;
    }

    @Override
    public void close() {
        links.values().forEach(l -> l.channel.shutdownNow());
    }

    /** The probe service as the Raft port's (shaded) gRPC server runs it: answers every probe at once. */
    static ServerServiceDefinition service() {
        MethodDescriptor<byte[], byte[]> method = MethodDescriptor.<byte[], byte[]>newBuilder()
                .setType(MethodDescriptor.MethodType.UNARY)
                .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, METHOD))
                .setRequestMarshaller(new ServerBytes())
                .setResponseMarshaller(new ServerBytes())
                .build();
        return ServerServiceDefinition.builder(SERVICE)
                .addMethod(method, ServerCalls.asyncUnaryCall((request, reply) -> {
                    reply.onNext(new byte[0]);
                    reply.onCompleted();
                }))
                .build();
    }

    private static byte[] read(InputStream in) {
        try (in) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final class ClientBytes implements io.grpc.MethodDescriptor.Marshaller<byte[]> {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            return read(stream);
        }
    }

    private static final class ServerBytes implements MethodDescriptor.Marshaller<byte[]> {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            return read(stream);
        }
    }
}
