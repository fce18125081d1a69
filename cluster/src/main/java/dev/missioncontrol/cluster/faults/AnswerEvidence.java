package dev.missioncontrol.cluster.faults;

import dev.missioncontrol.cluster.client.ClusterClient;
import dev.missioncontrol.cluster.config.ClusterSpec;
import dev.missioncontrol.cluster.proto.FaultEffect;
import dev.missioncontrol.cluster.proto.QueryRecord;
import dev.missioncontrol.cluster.proto.StatusRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The confirmations of faults that show in answers rather than in the nodes' status: each asks a probe question and
 * returns the check the {@link ClusterWatch} polls until the cluster is seen to react — a slow node's late answer, a
 * Byzantine node's own report of the answer its fault produced, the log's rejection of an impersonated answer, the
 * followers' overruling of a lying leader's decision.
 */
final class AnswerEvidence {
    private final ClusterSpec spec;
    private final ClusterClient client;

    AnswerEvidence(ClusterSpec spec, ClusterClient client) {
        this.spec = spec;
        this.client = client;
    }

    /**
     * A slow node shows itself in its next answer: a question is asked (the probe, marked as one in the history) and
     * the fault is confirmed when each node's answer to it came at least most of the delay late (counted by the vote,
     * or logged after the decision and kept as late).
     */
    Supplier<Optional<String>> slowNode(String id, Fault.SlowNode slow) {
        CompletableFuture<QueryRecord> probe = client.track(FaultController.PROBE_QUESTION, "fault probe " + id)
                .decided();
        return () -> {
            if (!probe.isDone() || probe.isCompletedExceptionally()) {
                return Optional.empty();
            }
            return recordOf(probe.join().getQuery().getId()).flatMap(r -> Evidence.lateEnough(r, slow));
        };
    }

    /**
     * A Byzantine node shows itself in its next answer: a question is asked (the probe, unless another comes first) and
     * the fault is confirmed when each of its nodes reports, through its fault control, that its answer to a question
     * was produced by this fault. That report is the only place it is recorded: the answer in the log looks honest.
     */
    Supplier<Optional<String>> byzantine(String id, Fault.Byzantine b) {
        client.track(FaultController.PROBE_QUESTION, "fault probe " + id);
        return () -> {
            List<String> seen = new ArrayList<>();
            for (String n : b.nodes()) {
                try {
                    Optional<FaultEffect> effect =
                            client.control(n).rules(StatusRequest.getDefaultInstance()).getEffectsList().stream()
                                    .filter(e -> e.getFaultId().equals(id))
                                    .findFirst();
                    if (effect.isEmpty()) {
                        return Optional.empty();
                    }
                    String qid = effect.get().getQueryId();
                    // Impersonation and a lying leader are confirmed when the cluster was seen to reject or overrule
                    // them, not when the node says it tried.
                    Optional<String> reaction =
                            switch (b.kind()) {
                                case "impersonate" -> rejection(qid, n, b.as()).map(x -> "; the log " + x);
                                case Fault.Byzantine.LYING_LEADER ->
                                    overruling(qid).map(x -> "; " + x);
                                default -> Optional.of("");
                            };
                    if (reaction.isEmpty()) {
                        return Optional.empty();
                    }
                    seen.add(n + " " + effect.get().getWhat() + " for " + qid + reaction.get());
                } catch (RuntimeException unreachable) {
                    return Optional.empty();
                }
            }
            return Optional.of(String.join("; ", seen));
        };
    }
    /** The rejection of a node's answer signed as another, on the record of a query. */
    private Optional<String> rejection(String queryId, String from, String as) {
        return recordOf(queryId).flatMap(r -> r.getRejectedList().stream()
                .filter(x -> x.contains("from " + from + " signed as " + as))
                .findFirst()
                .map(x -> "rejected " + x));
    }

    /** How the followers overruled a lying leader's decision on a query, once the log holds it. */
    private Optional<String> overruling(String queryId) {
        return recordOf(queryId)
                .filter(QueryRecord::hasOverruled)
                .map(r -> "overruled by " + String.join(", ", r.getOverruledByList()) + ", whose result ("
                        + (r.getDecision().getWinner().isEmpty()
                                ? "no winner"
                                : r.getDecision().getWinner()) + ", "
                        + r.getDecision().getStatus() + ") is the one shown");
    }

    /** A query's record as the first node that answers holds it. */
    private Optional<QueryRecord> recordOf(String queryId) {
        for (var n : spec.nodes()) {
            try {
                for (QueryRecord r : client.history(n.id(), 20)) {
                    if (r.getQuery().getId().equals(queryId)) {
                        return Optional.of(r);
                    }
                }
            } catch (RuntimeException unreachable) {
                // ask the next node
            }
        }
        return Optional.empty();
    }
}
