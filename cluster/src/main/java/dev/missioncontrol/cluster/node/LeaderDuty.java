package dev.missioncontrol.cluster.node;

import dev.missioncontrol.cluster.config.ClusterSpec;
import dev.missioncontrol.cluster.proto.Answer;
import dev.missioncontrol.cluster.proto.Decision;
import dev.missioncontrol.cluster.proto.DecisionStatus;
import dev.missioncontrol.cluster.proto.Entry;
import dev.missioncontrol.cluster.proto.FaultRule;
import dev.missioncontrol.cluster.proto.QueryRecord;
import dev.missioncontrol.cluster.vote.Vote;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the leader does, and only while it leads: closes each open query — when every node has answered, when its
 * deadline has passed, or at once when every missing node is known to be down — counts the vote over the logged
 * answers and logs the {@code Decision}.
 *
 * <p>A decision is proposed once per leadership term and again, through the {@link Proposer}, while the query is still
 * open and this node still leads; a node that leads again in a later term proposes again whatever is still open, so no
 * committed query is left undecided. The state machine keeps only the first decision of a query.
 *
 * <p>A node under a {@code lying-leader} fault publishes, while it leads, a decision that does not follow from the
 * answers ({@link LyingLeader}); the followers' {@link Verifier} catches it.
 *
 * <p>Runs on {@code <id>-leader}: every 50 ms, and at once when an answer is applied.
 */
final class LeaderDuty {
    private static final Logger log = LoggerFactory.getLogger(LeaderDuty.class);

    private final ClusterSpec spec;
    private final String me;
    private final String tag;
    private final QueryStateMachine state;
    private final NodeRuntime runtime;
    private final Proposer proposer;
    private final NodeFaults faults;
    private final ScheduledExecutorService thread;
    /** When this node applied each open query: deadlines count from here. */
    private final Map<String, Long> appliedAt = new ConcurrentHashMap<>();
    /** The term in which this node last proposed a decision for each open query. */
    private final Map<String, Long> proposedInTerm = new ConcurrentHashMap<>();

    LeaderDuty(
            ClusterSpec spec,
            String me,
            String tag,
            QueryStateMachine state,
            NodeRuntime runtime,
            Proposer proposer,
            NodeFaults faults,
            ScheduledExecutorService thread) {
        this.spec = spec;
        this.me = me;
        this.tag = tag;
        this.state = state;
        this.runtime = runtime;
        this.proposer = proposer;
        this.faults = faults;
        this.thread = thread;
    }

    void start() {
        thread.scheduleWithFixedDelay(this::closeQueries, 50, 50, TimeUnit.MILLISECONDS);
    }

    void onQuery(String queryId) {
        appliedAt.putIfAbsent(queryId, System.nanoTime());
    }

    /** Closes as soon as the last answer is in, instead of waiting for the next scheduled check. */
    void onAnswer() {
        try {
            thread.execute(this::closeQueries);
        } catch (RejectedExecutionException e) {
            // Stopping: the scheduled duty is gone and so is the leadership.
        }
    }

    void onDecided(String queryId) {
        appliedAt.remove(queryId);
        proposedInTerm.remove(queryId);
    }

    private void closeQueries() {
        try {
            if (!runtime.isReadyLeader()) {
                return;
            }
            long term = runtime.term();
            Set<String> down = null;
            for (QueryRecord r : state.open()) {
                String qid = r.getQuery().getId();
                Long proposed = proposedInTerm.get(qid);
                if (proposed != null && proposed == term) {
                    continue;
                }
                long seen = appliedAt.computeIfAbsent(qid, k -> System.nanoTime());
                long elapsed = (System.nanoTime() - seen) / 1_000_000;
                List<String> missing = new ArrayList<>();
                for (var n : spec.nodes()) {
                    if (r.getAnswersList().stream().noneMatch(a -> a.getNodeId().equals(n.id()))) {
                        missing.add(n.id());
                    }
                }
                String reason = null;
                if (missing.isEmpty()) {
                    reason = "all answered";
                } else if (elapsed >= r.getQuery().getDeadlineMillis()) {
                    reason = "deadline " + r.getQuery().getDeadlineMillis() + " ms passed; missing " + missing;
                } else {
                    if (down == null) {
                        down = runtime.downPeers();
                    }
                    if (!missing.contains(me) && down.containsAll(missing)) {
                        reason = "missing nodes are down: " + missing;
                    }
                }
                if (reason != null) {
                    proposedInTerm.put(qid, term);
                    Decision d = decide(r, reason, elapsed);
                    proposer.propose(
                            Entry.newBuilder().setDecision(d).build(),
                            "decision on " + qid,
                            () -> !state.isDecided(qid) && runtime.isLeader());
                }
            }
        } catch (RuntimeException e) {
            log.warn("{} leader duty failed: {}", tag, e.toString());
        }
    }

    /** The vote over a record's answers, as a decision of this leader (falsified while it is a lying leader). */
    Decision decide(QueryRecord r, String reason, long elapsedMillis) {
        Map<String, float[]> vectors = new LinkedHashMap<>();
        for (Answer a : counted(r)) {
            vectors.put(a.getNodeId(), toArray(a.getVoteVectorList()));
        }
        Vote.Result v = Vote.decide(vectors, spec.size(), spec.tau());
        Decision honest = decision(r.getQuery().getId(), me, v, reason, elapsedMillis);
        FaultRule lying = faults.lyingLeader();
        if (lying == null) {
            return honest;
        }
        Decision lie = LyingLeader.falsify(honest);
        faults.produced(lying.getId(), r.getQuery().getId(), LyingLeader.describe(honest, lie));
        return lie;
    }

    /** A vote's result as a decision, in the log's form. */
    static Decision decision(String queryId, String by, Vote.Result v, String reason, long elapsedMillis) {
        Decision.Builder d = Decision.newBuilder()
                .setQueryId(queryId)
                .setLeaderId(by)
                .addAllNodes(v.nodes())
                .setWinner(v.winner() == null ? "" : v.winner())
                .addAllAgreeing(v.agreeing())
                .setStatus(status(v.status()))
                .setClusterSize(v.clusterSize())
                .setQuorum(v.quorum())
                .setTau(v.tau())
                .setReason(reason)
                .setDecidedAfterMillis(elapsedMillis);
        for (double[] row : v.matrix()) {
            for (double x : row) {
                d.addMatrix(x);
            }
        }
        for (double s : v.scores()) {
            d.addScores(s);
        }
        return d.build();
    }

    /**
     * The answers the vote counts: every logged one except those whose generator failed. A failed answer is shown with
     * its reason but counts as no answer, as for a node that is down, so the decision is DEGRADED, not outvoted.
     */
    static List<Answer> counted(QueryRecord r) {
        return r.getAnswersList().stream().filter(a -> a.getFailure().isEmpty()).toList();
    }

    static DecisionStatus status(Vote.Status s) {
        return switch (s) {
            case CONSENSUS -> DecisionStatus.CONSENSUS;
            case DEGRADED -> DecisionStatus.DEGRADED;
            case NO_CONSENSUS -> DecisionStatus.NO_CONSENSUS;
        };
    }

    /** The text of a logged answer, or the raw JSON when it does not parse (a broken node's answer still counts). */
    static String answerText(String json) {
        try {
            return dev.missioncontrol.models.generate.Answer.fromJson(json).answer();
        } catch (RuntimeException e) {
            return json;
        }
    }

    static float[] toArray(List<Float> list) {
        float[] v = new float[list.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = list.get(i);
        }
        return v;
    }
}
