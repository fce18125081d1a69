package dev.missioncontrol.cluster.node;

import dev.missioncontrol.cluster.proto.Answer;
import dev.missioncontrol.cluster.proto.Decision;
import dev.missioncontrol.cluster.proto.DecisionStatus;
import dev.missioncontrol.cluster.proto.Dispute;
import dev.missioncontrol.cluster.proto.Entry;
import dev.missioncontrol.cluster.proto.QueryRecord;
import dev.missioncontrol.cluster.vote.Vote;
import dev.missioncontrol.models.embed.Embedder;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The check every follower makes of the leader's decision: it embeds the logged answer texts with its own voting model,
 * counts the vote again, and logs a {@code Dispute} when the result differs — another winner or status, or any
 * similarity off by more than {@link #TOLERANCE}. The leader's decision is not taken on trust.
 */
final class Verifier {
    private static final Logger log = LoggerFactory.getLogger(Verifier.class);
    /** Largest difference between a logged and a recomputed similarity that is not a dispute. */
    static final double TOLERANCE = 0.02;

    private final String me;
    private final String tag;
    private final Embedder voter;
    private final QueryStateMachine state;
    private final Proposer proposer;

    Verifier(String me, String tag, Embedder voter, QueryStateMachine state, Proposer proposer) {
        this.me = me;
        this.tag = tag;
        this.voter = voter;
        this.state = state;
        this.proposer = proposer;
    }

    /** Recomputes a decision another node made; logs a dispute when it does not follow from the answers. */
    void verify(QueryRecord record) {
        disagreement(record, voter).ifPresent(dispute -> {
            Dispute d = dispute.toBuilder().setNodeId(me).build();
            log.warn("{} disputes the decision on {}: {}", tag, d.getQueryId(), d.getDetail());
            proposer.propose(
                    Entry.newBuilder().setDispute(d).build(),
                    "dispute on " + d.getQueryId(),
                    () -> !state.hasDisputeOf(d.getQueryId(), me));
        });
    }

    /**
     * What a node that recomputes the vote with {@code voter} finds wrong with a record's decision, or nothing.
     *
     * @return a dispute without its node id
     */
    static Optional<Dispute> disagreement(QueryRecord record, Embedder voter) {
        Decision d = record.getDecision();
        Map<String, float[]> vectors = new LinkedHashMap<>();
        for (Answer a : record.getAnswersList()) {
            if (d.getNodesList().contains(a.getNodeId())) {
                vectors.put(a.getNodeId(), voter.embedSymmetric(LeaderDuty.answerText(a.getJson())));
            }
        }
        Vote.Result mine = Vote.decide(vectors, d.getClusterSize(), d.getTau());
        double worst = 0;
        int m = mine.nodes().size();
        boolean shapeOk = m == d.getNodesCount() && d.getMatrixCount() == m * m;
        for (int i = 0; shapeOk && i < m; i++) {
            for (int j = 0; j < m; j++) {
                worst = Math.max(worst, Math.abs(mine.matrix()[i][j] - d.getMatrix(i * m + j)));
            }
        }
        DecisionStatus status = LeaderDuty.status(mine.status());
        String winner = mine.winner() == null ? "" : mine.winner();
        if (shapeOk && worst <= TOLERANCE && status == d.getStatus() && winner.equals(d.getWinner())) {
            return Optional.empty();
        }
        String detail = shapeOk
                ? String.format(
                        Locale.ROOT,
                        "recomputed winner %s, status %s; largest similarity difference %.3f (tolerance %.2f)",
                        winner.isEmpty() ? "none" : winner,
                        status,
                        worst,
                        TOLERANCE)
                : "the decision's matrix does not match the " + m + " answers it counts";
        return Optional.of(Dispute.newBuilder()
                .setQueryId(d.getQueryId())
                .setExpectedWinner(winner)
                .setExpectedStatus(status)
                .setDetail(detail)
                .build());
    }
}
