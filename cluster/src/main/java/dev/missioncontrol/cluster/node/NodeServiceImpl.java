package dev.missioncontrol.cluster.node;

import dev.missioncontrol.cluster.proto.AwaitRequest;
import dev.missioncontrol.cluster.proto.HistoryReply;
import dev.missioncontrol.cluster.proto.HistoryRequest;
import dev.missioncontrol.cluster.proto.NodeServiceGrpc;
import dev.missioncontrol.cluster.proto.NodeStatus;
import dev.missioncontrol.cluster.proto.QueryRecord;
import dev.missioncontrol.cluster.proto.StatusRequest;
import dev.missioncontrol.cluster.proto.WatchRecordsRequest;
import dev.missioncontrol.cluster.proto.WatchRequest;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The node API for the console and the CLI: status (once or streamed), history, waiting for a decision, and the stream
 * of decided records. Streams are pushed from one scheduler thread of the node's, so an open stream holds no API
 * thread; a stream whose caller cannot keep up skips status updates (only the latest matters) and is ended when it
 * falls too far behind on records.
 */
final class NodeServiceImpl extends NodeServiceGrpc.NodeServiceImplBase {
    private static final long MAX_AWAIT_MILLIS = 120_000;
    private static final int MAX_PENDING_RECORDS = 10_000;

    private final String me;
    private final QueryStateMachine stateMachine;
    private final NodeRuntime runtime;
    private final ScheduledExecutorService pushes;
    private final List<RecordWatch> watches = new CopyOnWriteArrayList<>();

    NodeServiceImpl(String me, QueryStateMachine stateMachine, NodeRuntime runtime, ScheduledExecutorService pushes) {
        this.me = me;
        this.stateMachine = stateMachine;
        this.runtime = runtime;
        this.pushes = pushes;
    }

    private NodeStatus status() {
        return runtime.status(stateMachine.decisions()).toBuilder()
                .setRejectedEntries(stateMachine.rejectedCount())
                .addAllRejections(stateMachine.rejections(10))
                .build();
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
        ScheduledFuture<?>[] push = new ScheduledFuture<?>[1];
        stream.setOnCancelHandler(() -> {
            if (push[0] != null) {
                push[0].cancel(false);
            }
        });
        try {
            push[0] = pushes.scheduleAtFixedRate(
                    () -> {
                        if (stream.isCancelled() || !stream.isReady()) {
                            return; // a slow caller skips an update: only the latest status matters
                        }
                        try {
                            stream.onNext(status());
                        } catch (RuntimeException e) {
                            push[0].cancel(false);
                            stream.onError(Status.UNAVAILABLE
                                    .withDescription(e.getMessage())
                                    .asRuntimeException());
                        }
                    },
                    0,
                    interval,
                    TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException stopping) {
            stream.onError(Status.UNAVAILABLE
                    .withDescription("node " + me + " is stopping")
                    .asRuntimeException());
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
        long verify = Math.min(MAX_AWAIT_MILLIS, Math.max(0, request.getVerifyMillis()));
        String qid = request.getQueryId();
        stateMachine
                .awaitDecision(qid)
                .orTimeout(timeout, TimeUnit.MILLISECONDS)
                .thenCompose(decided -> decided.getVerified() || verify == 0
                        ? java.util.concurrent.CompletableFuture.completedFuture(decided)
                        : stateMachine
                                .awaitVerdict(qid)
                                // not verified in time: the record as it is then, which says so
                                .completeOnTimeout(null, verify, TimeUnit.MILLISECONDS)
                                .thenApply(r ->
                                        r != null ? r : stateMachine.record(qid).orElse(decided)))
                .whenComplete((record, e) -> {
                    if (e == null) {
                        out.onNext(record);
                        out.onCompleted();
                    } else {
                        out.onError(Status.DEADLINE_EXCEEDED
                                .withDescription("No decision on " + qid + " within " + timeout + " ms on node " + me)
                                .asRuntimeException());
                    }
                });
    }

    @Override
    public void watchRecords(WatchRecordsRequest request, StreamObserver<QueryRecord> out) {
        RecordWatch watch = new RecordWatch((ServerCallStreamObserver<QueryRecord>) out, request.getAfterIndex());
        watches.add(watch); // first, so no change between the catch-up and the first live one is lost
        watch.pending.addAll(stateMachine.changedAfter(request.getAfterIndex()));
        watch.drainSoon();
    }

    /** A decided record changed here (apply thread): hand it to every watcher's queue. */
    void recordChanged(QueryRecord record) {
        for (RecordWatch w : watches) {
            w.pending.add(record);
            w.drainSoon();
        }
    }

    /** One caller of {@code WatchRecords}: its queue, and the log index of the last change it was sent. */
    private final class RecordWatch {
        final ServerCallStreamObserver<QueryRecord> out;
        final Queue<QueryRecord> pending = new ConcurrentLinkedQueue<>();
        final AtomicInteger scheduled = new AtomicInteger();
        long lastSent;
        boolean ended;

        RecordWatch(ServerCallStreamObserver<QueryRecord> out, long after) {
            this.out = out;
            this.lastSent = after;
            out.setOnCancelHandler(() -> watches.remove(this));
            out.setOnReadyHandler(this::drainSoon);
        }

        void drainSoon() {
            if (scheduled.getAndIncrement() == 0) {
                try {
                    pushes.execute(this::drain);
                } catch (RejectedExecutionException stopping) {
                    watches.remove(this);
                }
            }
        }

        private void drain() {
            do {
                scheduled.set(1);
                synchronized (this) {
                    if (ended) {
                        return;
                    }
                    if (pending.size() > MAX_PENDING_RECORDS) {
                        ended = true;
                        watches.remove(this);
                        out.onError(Status.RESOURCE_EXHAUSTED
                                .withDescription("the caller fell " + pending.size() + " records behind; watch again"
                                        + " from the last record it has")
                                .asRuntimeException());
                        return;
                    }
                    QueryRecord r;
                    while (!out.isCancelled() && out.isReady() && (r = pending.poll()) != null) {
                        if (r.getChangedIndex() > lastSent) {
                            out.onNext(r);
                            lastSent = r.getChangedIndex();
                        }
                    }
                }
            } while (scheduled.decrementAndGet() > 0);
        }
    }
}
