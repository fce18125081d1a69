package dev.missioncontrol.app.console;

import dev.missioncontrol.cluster.client.ClusterClient;
import dev.missioncontrol.cluster.client.ClusterClient.Submission;
import dev.missioncontrol.cluster.config.ClusterSpec;
import dev.missioncontrol.cluster.proto.NodeServiceGrpc;
import dev.missioncontrol.cluster.proto.NodeStatus;
import dev.missioncontrol.cluster.proto.QueryRecord;
import dev.missioncontrol.cluster.proto.WatchRequest;
import io.grpc.Context;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The console's connection to a real cluster: a {@link ClusterClient} for queries and history, and one status stream
 * per node that reconnects by itself (every 250 ms) when a node goes away, so a lost connection recovers on its own.
 *
 * <p>Thread-safe. Status arrives on gRPC threads.
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

    public LiveCluster(ClusterSpec spec) {
        this.client = new ClusterClient(spec);
    }

    @Override
    public ClusterSpec spec() {
        return client.spec();
    }

    @Override
    public Submission submit(String question) {
        return client.track(question);
    }

    @Override
    public void leaveGroup(String node) {
        client.leaveGroup(node);
    }

    @Override
    public void addBack(String node) {
        client.addBack(node);
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
    public CompletableFuture<List<QueryRecord>> history() {
        return CompletableFuture.supplyAsync(() -> {
            RuntimeException last = null;
            for (var n : client.spec().nodes()) {
                try {
                    return client.history(n.id());
                } catch (RuntimeException e) {
                    last = e;
                }
            }
            throw new ClusterClient.ClusterException("No node answered with its decision history", last);
        });
    }

    @Override
    public void close() {
        closed = true;
        streams.forEach(c -> c.cancel(null));
        reconnect.shutdownNow();
        client.close();
    }
}
