package dev.missioncontrol.cluster.node;

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
 * The check every follower makes of the leader's decision: it embeds the logged answer texts with its own voting model,
 * counts the vote again, and logs an {@code Endorsement} when the result is the leader's, or a {@code Dispute} holding
 * its own result when it differs — another winner or status, or any similarity off by more than {@link #TOLERANCE}.
 * The leader's decision is not taken on trust: q(n) endorsing nodes verify it, q(n) disputes with one result overrule
 * it ({@link QueryStateMachine}).
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
    /**
     * The voting model's vectors of answers logged for queries still open, computed as each answer is applied so the
     * check after the decision costs no embedding; by query id and node.
     */
    private final Map<String, float[]> embedded = new java.util.concurrent.ConcurrentHashMap<>();

    /** Most answers kept embedded ahead (queries that never get a decision here are dropped beyond it). */
    private static final int MAX_EMBEDDED = 256;

    Verifier(String me, String tag, Embedder voter, QueryStateMachine state, Proposer proposer) {
        this.me = me;
        this.tag = tag;
        this.voter = voter;
        this.state = state;
        this.proposer = proposer;
    }

    /** Embeds a logged answer ahead of the decision (verifying thread). */
    void prepare(Answer a) {
        if (a.getNodeId().equals(me)) {
            return;
        }
        if (embedded.size() >= MAX_EMBEDDED) {
            embedded.clear();
        }
        embedded.computeIfAbsent(key(a), k -> voter.embedSymmetric(LeaderDuty.answerText(a.getJson())));
    }

    private static String key(Answer a) {
        return a.getQueryId() + "\n" + a.getNodeId();
    }

    /** Recomputes a decision another node made; endorses it, or disputes it when it does not follow from the answers. */
    void verify(QueryRecord record) {
        String qid = record.getDecision().getQueryId();
        if (state.hasVerdictOf(qid, me)
                || state.record(qid).map(QueryRecord::getVerified).orElse(false)) {
            return; // replaying the log after a restart, or q(n) nodes have settled it already
        }
        Optional<Dispute> wrong = disagreement(
                record,
                a -> {
                    if (a.getNodeId().equals(me)) {
                        return LeaderDuty.toArray(a.getVoteVectorList()); // its own: this node embedded it itself
                    }
                    float[] v = embedded.remove(key(a));
                    return v != null ? v : voter.embedSymmetric(LeaderDuty.answerText(a.getJson()));
                },
                me);
        Entry verdict;
        if (wrong.isPresent()) {
            Dispute d = wrong.get().toBuilder().setNodeId(me).build();
            log.warn("{} disputes the decision on {}: {}", tag, qid, d.getDetail());
            verdict = Entry.newBuilder().setDispute(d).build();
        } else {
            verdict = Entry.newBuilder()
                    .setEndorsement(Endorsement.newBuilder().setQueryId(qid).setNodeId(me))
                    .build();
        }
        proposer.propose(
                verdict,
                (wrong.isPresent() ? "dispute on " : "endorsement of ") + qid,
                () -> !state.hasVerdictOf(qid, me));
    }

    /**
     * What a node that recomputes the vote with its voting model ({@code embed}: an answer's text to its vector) finds
     * wrong with a record's decision, or nothing.
     *
     * @param me the recomputing node, named as the author of its recomputed decision
     * @return a dispute without its node id, holding the recomputed decision
     */
    static Optional<Dispute> disagreement(
            QueryRecord record, java.util.function.Function<Answer, float[]> embed, String me) {
        Decision d = record.getDecision();
        Map<String, float[]> vectors = new LinkedHashMap<>();
        for (Answer a : record.getAnswersList()) {
            if (d.getNodesList().contains(a.getNodeId())) {
                vectors.put(a.getNodeId(), embed.apply(a));
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
                .setRecomputed(
                        LeaderDuty.decision(d.getQueryId(), me, mine, "recomputed by " + me, d.getDecidedAfterMillis()))
                .build());
    }
}
