package dev.missioncontrol.cluster.node;

import dev.missioncontrol.cluster.config.ClusterSpec;
import dev.missioncontrol.cluster.proto.AwaitRequest;
import dev.missioncontrol.cluster.proto.HistoryReply;
import dev.missioncontrol.cluster.proto.HistoryRequest;
import dev.missioncontrol.cluster.proto.NodeServiceGrpc;
import dev.missioncontrol.cluster.proto.NodeStatus;
import dev.missioncontrol.cluster.proto.QueryRecord;
import dev.missioncontrol.cluster.proto.StatusRequest;
import dev.missioncontrol.cluster.proto.WatchRequest;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The node API for the console and the CLI: status (once or streamed), history, and waiting for a decision. */
final class NodeServiceImpl extends NodeServiceGrpc.NodeServiceImplBase {
    private static final long MAX_AWAIT_MILLIS = 120_000;

    private final ClusterSpec.NodeSpec me;
    private final QueryStateMachine stateMachine;
    private final NodeRuntime runtime;

    NodeServiceImpl(ClusterSpec.NodeSpec me, QueryStateMachine stateMachine, NodeRuntime runtime) {
        this.me = me;
        this.stateMachine = stateMachine;
        this.runtime = runtime;
    }

    private NodeStatus status() {
        return runtime.status(me, stateMachine.decisions());
    }

    @Override
    public void status(StatusRequest request, StreamObserver<NodeStatus> out) {
        try {
            out.onNext(status());
            out.onCompleted();
        } catch (RuntimeException e) {
            out.onError(Status.UNAVAILABLE.withDescription(e.getMessage()).asRuntimeException());
        }
    }

    @Override
    public void watchStatus(WatchRequest request, StreamObserver<NodeStatus> out) {
        ServerCallStreamObserver<NodeStatus> stream = (ServerCallStreamObserver<NodeStatus>) out;
        int interval = Math.max(50, request.getIntervalMillis() == 0 ? 250 : request.getIntervalMillis());
        // Runs on the bounded API executor; ends when the caller cancels or the channel closes.
        while (!stream.isCancelled()) {
            try {
                stream.onNext(status());
                Thread.sleep(interval);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (RuntimeException e) {
                stream.onError(
                        Status.UNAVAILABLE.withDescription(e.getMessage()).asRuntimeException());
                return;
            }
        }
    }

    @Override
    public void history(HistoryRequest request, StreamObserver<HistoryReply> out) {
        List<QueryRecord> all = stateMachine.history();
        int limit = request.getLimit();
        List<QueryRecord> shown = limit > 0 && all.size() > limit ? all.subList(all.size() - limit, all.size()) : all;
        out.onNext(HistoryReply.newBuilder().addAllRecords(shown).build());
        out.onCompleted();
    }

    @Override
    public void awaitDecision(AwaitRequest request, StreamObserver<QueryRecord> out) {
        long timeout = Math.min(MAX_AWAIT_MILLIS, Math.max(1, request.getTimeoutMillis()));
        stateMachine
                .awaitDecision(request.getQueryId())
                .orTimeout(timeout, TimeUnit.MILLISECONDS)
                .whenComplete((record, e) -> {
                    if (e == null) {
                        out.onNext(record);
                        out.onCompleted();
                    } else {
                        out.onError(Status.DEADLINE_EXCEEDED
                                .withDescription("No decision on " + request.getQueryId() + " within " + timeout
                                        + " ms on node " + me.id())
                                .asRuntimeException());
                    }
                });
    }
}
