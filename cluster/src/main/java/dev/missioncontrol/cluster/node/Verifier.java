package dev.missioncontrol.cluster.node;

import dev.missioncontrol.cluster.config.ClusterSpec;
import dev.missioncontrol.cluster.proto.Answer;
import dev.missioncontrol.cluster.proto.Decision;
import dev.missioncontrol.cluster.proto.DecisionStatus;
import dev.missioncontrol.cluster.proto.Dispute;
import dev.missioncontrol.cluster.proto.Endorsement;
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
 * The check every follower makes of the leader's decision: it counts the vote again — from the logged vote vectors at
 * once, then from the answer texts embedded with its own voting model — and logs an {@code Endorsement} when the result
 * is the leader's, or a {@code Dispute} holding its own result when it differs: another winner or status, or any
 * similarity off by more than {@link #TOLERANCE}.
 * The leader's decision is not taken on trust: q(n) endorsing nodes verify it, q(n) disputes with one result overrule
 * it ({@link QueryStateMachine}).
 */
final class Verifier {
    private static final Logger log = LoggerFactory.getLogger(Verifier.class);
    /** Largest difference between a logged and a recomputed similarity that is not a dispute. */
    static final double TOLERANCE = 0.02;

    private final ClusterSpec spec;
    private final String me;
    private final String tag;
    private final Embedder voter;
    private final QueryStateMachine state;
    private final Proposer proposer;

    Verifier(ClusterSpec spec, String me, String tag, Embedder voter, QueryStateMachine state, Proposer proposer) {
        this.spec = spec;
        this.me = me;
        this.tag = tag;
        this.voter = voter;
        this.state = state;
        this.proposer = proposer;
    }

    /**
     * Checks a decision another node made, in two steps. First the vote is counted again from the logged vote vectors
     * — instant, and enough to catch a leader whose decision does not follow from them: the node endorses or disputes
     * at once. Then the logged answer texts are embedded with its own voting model and counted again, which also
     * catches an answer whose logged vector is not its text's; a difference found then is a dispute too, and withdraws
     * the endorsement.
     */
    void verify(QueryRecord record) {
        String qid = record.getDecision().getQueryId();
        if (state.hasVerdictOf(qid, me)) {
            return; // replaying the log after a restart: checked before
        }
        Optional<Dispute> wrong = disagreement(record, a -> LeaderDuty.toArray(a.getVoteVectorList()), spec, me);
        if (wrong.isPresent()) {
            dispute(wrong.get());
            return;
        }
        if (!state.record(qid).map(QueryRecord::getVerified).orElse(false)) {
            proposer.propose(
                    Entry.newBuilder()
                            .setEndorsement(
                                    Endorsement.newBuilder().setQueryId(qid).setNodeId(me))
                            .build(),
                    "endorsement of " + qid,
                    () -> !state.hasVerdictOf(qid, me));
        }
        disagreement(
                        record,
                        a -> {
                            if (a.getNodeId().equals(me)) {
                                return LeaderDuty.toArray(a.getVoteVectorList()); // its own: embedded by this node
                            }
                            return voter.embedSymmetric(LeaderDuty.answerText(a.getJson()));
                        },
                        spec,
                        me)
                .ifPresent(this::dispute);
    }

    private void dispute(Dispute found) {
        Dispute d = found.toBuilder().setNodeId(me).build();
        log.warn("{} disputes the decision on {}: {}", tag, d.getQueryId(), d.getDetail());
        proposer.propose(
                Entry.newBuilder().setDispute(d).build(),
                "dispute on " + d.getQueryId(),
                () -> !state.hasDisputeOf(d.getQueryId(), me));
    }

    /**
     * What a node that recomputes the vote with its voting model ({@code embed}: an answer's text to its vector) finds
     * wrong with a record's decision, or nothing.
     *
     * @param me the recomputing node, named as the author of its recomputed decision
     * @return a dispute without its node id, holding the recomputed decision
     */
    static Optional<Dispute> disagreement(
            QueryRecord record, java.util.function.Function<Answer, float[]> embed, ClusterSpec spec, String me) {
        Decision d = record.getDecision();
        Map<String, float[]> vectors = new LinkedHashMap<>();
        for (Answer a : LeaderDuty.counted(record)) { // which answers count is recomputed too
            vectors.put(a.getNodeId(), embed.apply(a));
        }
        Vote.Result mine =
                Vote.decide(vectors, spec.size(), spec.tau()); // the cluster file's n and τ, not the leader's word
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
                .setRecomputed(
                        LeaderDuty.decision(d.getQueryId(), me, mine, "recomputed by " + me, d.getDecidedAfterMillis()))
                .build());
    }
}
