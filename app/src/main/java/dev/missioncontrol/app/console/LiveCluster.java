package dev.missioncontrol.app.console;

import dev.missioncontrol.cluster.client.ClusterClient;
import dev.missioncontrol.cluster.client.ClusterClient.Submission;
import dev.missioncontrol.cluster.config.ClusterSecret;
import dev.missioncontrol.cluster.config.ClusterSpec;
import dev.missioncontrol.cluster.proto.NodeServiceGrpc;
import dev.missioncontrol.cluster.proto.NodeStatus;
import dev.missioncontrol.cluster.proto.QueryRecord;
import dev.missioncontrol.cluster.proto.WatchRecordsRequest;
import dev.missioncontrol.cluster.proto.WatchRequest;
import io.grpc.Context;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The console's connection to a real cluster: a {@link ClusterClient} for queries, one status stream per node and one
 * stream of decided records, each of which reconnects by itself (every 250 ms; the record stream to the next node,
 * from the last record it had) when a node goes away, so a lost connection recovers on its own.
 *
 * <p>Thread-safe. Status and records arrive on gRPC threads.
 */
public final class LiveCluster implements ClusterGateway {
    /** How often each node pushes its status: fast enough for a live tile, coalesced by the view-model. */
    static final int STATUS_INTERVAL_MILLIS = 250;
    /** How soon a lost status stream is opened again. */
    static final int RECONNECT_MILLIS = 250;

    private final ClusterClient client;
    private final ScheduledExecutorService reconnect = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "status-reconnect");
        t.setDaemon(true);
        return t;
    });
    private final List<Context.CancellableContext> streams = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    private volatile long lastRecordIndex;

    /** @param secret the cluster's secret, when this console may inject faults */
    public LiveCluster(ClusterSpec spec, Optional<ClusterSecret> secret) {
        this.client = new ClusterClient(spec, secret);
    }

    /** The client underneath, for the fault controller. */
    public ClusterClient client() {
        return client;
    }

    @Override
    public ClusterSpec spec() {
        return client.spec();
    }

    @Override
    public Submission submit(String question, String origin) {
        return client.track(question, origin);
    }

    @Override
    public void watch(StatusListener listener) {
        client.spec().nodes().forEach(n -> open(n.id(), listener));
    }

    private void open(String node, StatusListener listener) {
        if (closed) {
            return;
        }
        Context.CancellableContext ctx = Context.current().withCancellation();
        streams.add(ctx);
        ctx.run(() -> NodeServiceGrpc.newStub(client.channel(node))
                .watchStatus(
                        WatchRequest.newBuilder()
                                .setIntervalMillis(STATUS_INTERVAL_MILLIS)
                                .build(),
                        new StreamObserver<>() {
                            @Override
                            public void onNext(NodeStatus status) {
                                listener.onStatus(status);
                            }

                            @Override
                            public void onError(Throwable t) {
                                streams.remove(ctx);
                                if (closed) {
                                    return;
                                }
                                listener.onLost(node, why(t));
                                // gRPC backs off reconnecting (1 s, 1.6 s, 2.6 s …) and fails calls at once in
                                // between, so a node that has just come up would be seen only seconds later: skip
                                // the backoff and try again soon (a refused connect costs nothing).
                                reconnect.schedule(
                                        () -> {
                                            client.channel(node).resetConnectBackoff();
                                            open(node, listener);
                                        },
                                        RECONNECT_MILLIS,
                                        TimeUnit.MILLISECONDS);
                            }

                            @Override
                            public void onCompleted() {
                                onError(new IllegalStateException("the node ended its status stream"));
                            }
                        }));
    }

    private static String why(Throwable t) {
        if (t instanceof StatusRuntimeException e) {
            return switch (e.getStatus().getCode()) {
                case UNAVAILABLE -> "connection refused or lost";
                case DEADLINE_EXCEEDED -> "no answer in time";
                default ->
                    e.getStatus().getCode()
                            + (e.getStatus().getDescription() == null
                                    ? ""
                                    : ": " + e.getStatus().getDescription());
            };
        }
        return t.getMessage();
    }

    @Override
    public void watchRecords(Consumer<QueryRecord> listener) {
        openRecords(0, listener);
    }

    private void openRecords(int attempt, Consumer<QueryRecord> listener) {
        if (closed) {
            return;
        }
        List<ClusterSpec.NodeSpec> nodes = client.spec().nodes();
        String node = nodes.get(attempt % nodes.size()).id();
        Context.CancellableContext ctx = Context.current().withCancellation();
        streams.add(ctx);
        ctx.run(() -> NodeServiceGrpc.newStub(client.channel(node))
                .watchRecords(
                        WatchRecordsRequest.newBuilder()
                                .setAfterIndex(lastRecordIndex)
                                .build(),
                        new StreamObserver<>() {
                            @Override
                            public void onNext(QueryRecord r) {
                                lastRecordIndex = Math.max(lastRecordIndex, r.getChangedIndex());
                                listener.accept(r);
                            }

                            @Override
                            public void onError(Throwable t) {
                                streams.remove(ctx);
                                if (closed) {
                                    return;
                                }
                                // The next node, from the last record this console has: every node holds the same log.
                                reconnect.schedule(
                                        () -> {
                                            client.channel(node).resetConnectBackoff();
                                            openRecords(attempt + 1, listener);
                                        },
                                        RECONNECT_MILLIS,
                                        TimeUnit.MILLISECONDS);
                            }

                            @Override
                            public void onCompleted() {
                                onError(new IllegalStateException("the node ended its record stream"));
                            }
                        }));
    }

    @Override
    public void close() {
        closed = true;
        streams.forEach(c -> c.cancel(null));
        reconnect.shutdownNow();
        client.close();
    }
}
