package dev.missioncontrol.app.console;

import dev.missioncontrol.cluster.client.ClusterClient.Submission;
import dev.missioncontrol.cluster.config.ClusterSpec;
import dev.missioncontrol.cluster.proto.Answer;
import dev.missioncontrol.cluster.proto.Decision;
import dev.missioncontrol.cluster.proto.DecisionStatus;
import dev.missioncontrol.cluster.proto.Query;
import dev.missioncontrol.cluster.proto.QueryRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/** A cluster gateway for view-model tests: submissions complete when the test says so. */
public final class FakeCluster implements ClusterGateway {
    public final ClusterSpec spec = ClusterSpec.loopback(3, List.of("all-minilm-l6-v2"));
    public final List<Submission> submitted = new ArrayList<>();
    public final List<QueryRecord> history = new ArrayList<>();
    public final List<String> origins = new ArrayList<>();
    public StatusListener listener;
    public Consumer<QueryRecord> records;
    private int next;
    private static long index;

    @Override
    public ClusterSpec spec() {
        return spec;
    }

    @Override
    public Submission submit(String question, String origin) {
        origins.add(origin);
        if (question.isBlank()) {
            throw new IllegalArgumentException("The question is empty.");
        }
        Submission s = new Submission("q" + (++next), new CompletableFuture<>(), new CompletableFuture<>());
        submitted.add(s);
        return s;
    }

    @Override
    public void watch(StatusListener listener) {
        this.listener = listener;
    }

    /** Sends what the log holds ({@link #history}), as a node's record stream does first. */
    @Override
    public void watchRecords(Consumer<QueryRecord> listener) {
        this.records = listener;
        history.forEach(listener);
    }

    @Override
    public void close() {}

    /** A decided record: the given nodes answered, the first wins, status as given. */
    public static QueryRecord record(String id, String question, DecisionStatus status, String... nodes) {
        QueryRecord.Builder r = QueryRecord.newBuilder()
                .setQuery(Query.newBuilder().setId(id).setText(question).setSubmittedAtMillis(1_000));
        Decision.Builder d = Decision.newBuilder()
                .setQueryId(id)
                .setStatus(status)
                .setWinner(nodes[0])
                .setClusterSize(3)
                .setQuorum(2)
                .setTau(0.71)
                .setReason("all answered");
        for (String n : nodes) {
            r.addAnswers(Answer.newBuilder()
                    .setQueryId(id)
                    .setNodeId(n)
                    .setJson("{\"answer\":\"The main bus is regulated at 28.0 V.\",\"citations\":[],"
                            + "\"confidence\":0.9,\"action\":\"inform\"}")
                    .setLatencyMillis(120));
            d.addNodes(n).addScores(0.9);
            if (status != DecisionStatus.NO_CONSENSUS) {
                d.addAgreeing(n);
            }
        }
        for (int i = 0; i < nodes.length * nodes.length; i++) {
            d.addMatrix(i % (nodes.length + 1) == 0 ? 1.0 : 0.9);
        }
        return r.setDecision(d).setDecidedIndex(++index).setChangedIndex(index).build();
    }
}
