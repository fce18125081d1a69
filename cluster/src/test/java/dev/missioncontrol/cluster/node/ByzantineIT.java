package dev.missioncontrol.cluster.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.missioncontrol.cluster.faults.Actor;
import dev.missioncontrol.cluster.faults.AuditJournal;
import dev.missioncontrol.cluster.faults.Fault;
import dev.missioncontrol.cluster.faults.FaultController;
import dev.missioncontrol.cluster.faults.FaultRecord;
import dev.missioncontrol.cluster.faults.Tolerance;
import dev.missioncontrol.cluster.proto.Answer;
import dev.missioncontrol.cluster.proto.DecisionStatus;
import dev.missioncontrol.cluster.proto.NodeStatus;
import dev.missioncontrol.cluster.proto.QueryRecord;
import dev.missioncontrol.knowledge.eval.EvalQuestion;
import dev.missioncontrol.knowledge.eval.EvalSet;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Byzantine behaviours injected into four real node JVMs (n = 4, f = 1, q = 3) through the fault controller, each
 * confirmed by the node's own report that its next answer was produced by the fault, and each judged by the vote: one
 * hallucinating node never wins and the other three reach CONSENSUS; two colluders are beyond f, so nothing wins; a
 * silent node leaves the decision DEGRADED at the deadline; garbage and stale answers are outvoted; an answer one node
 * signs as another is rejected by every node, and the real node's answer still counts. In order; each step ends healed.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ByzantineIT {
    private static final long DEADLINE_MILLIS = 4_000;

    @TempDir
    static Path root;

    static LocalCluster cluster;
    static FaultController faults;
    static List<String> questions;

    @BeforeAll
    static void start() {
        cluster = new LocalCluster(root, 4, List.of(), DEADLINE_MILLIS);
        faults = new FaultController(
                cluster.client, cluster.supervisor, AuditJournal.in(root.resolve("data")), Actor.of("test"));
        cluster.await("a leader", Duration.ofSeconds(120), () -> cluster.leader() != null);
        questions = EvalSet.load().stream()
                .filter(EvalQuestion::answerable)
                .map(EvalQuestion::question)
                .toList();
    }

    @AfterAll
    static void stop() {
        if (faults != null) {
            faults.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    private static QueryRecord ask(String question) throws Exception {
        return cluster.client.submit(question).get(60, TimeUnit.SECONDS);
    }

    /** What a step does while its fault is in effect. */
    private interface Step {
        void run(FaultRecord fault) throws Exception;
    }

    /** Injects a fault, waits for its confirmation, runs the step, and heals the fault whatever the step did. */
    private static void whileInEffect(Fault fault, Step step) throws Exception {
        FaultRecord r = FaultSteps.confirmed(faults, fault);
        try {
            step.run(r);
        } finally {
            FaultSteps.healed(faults, r.id());
        }
    }

    private static Tolerance tolerance() {
        Map<String, NodeStatus> status = new LinkedHashMap<>();
        cluster.client.status().forEach(s -> status.put(s.getNodeId(), s));
        return faults.tolerance(status);
    }

    private static String text(QueryRecord r, String node) {
        return r.getAnswersList().stream()
                .filter(a -> a.getNodeId().equals(node))
                .map(Answer::getJson)
                .findFirst()
                .orElse("");
    }

    @Test
    @Order(1)
    void oneHallucinatingNodeOfFourNeverWinsAndTheOtherThreeAgree() throws Exception {
        whileInEffect(new Fault.Byzantine("hallucinate", List.of("n4")), r -> {
            assertThat(r.observed()).contains("n4 answered from another section");
            assertThat(tolerance().byzantineWords()).isEqualTo("1 Byzantine of 4 (n4): within f = 1");
            int differed = 0;
            for (String q : questions.subList(0, 20)) {
                QueryRecord d = ask(q);
                assertThat(d.getDecision().getWinner()).as(q).isNotEqualTo("n4");
                assertThat(d.getDecision().getStatus()).as(q).isEqualTo(DecisionStatus.CONSENSUS);
                assertThat(d.getDecision().getAgreeingList()).as(q).hasSize(3).doesNotContain("n4");
                assertThat(d.getVerified()).as(q + ": verified by q = 3 nodes").isTrue();
                assertThat(d.hasOverruled()).as(q).isFalse();
                if (!text(d, "n4").equals(text(d, "n1"))) {
                    differed++;
                }
            }
            assertThat(differed).as("n4's answers differ from the honest ones").isEqualTo(20);
        });
    }

    @Test
    @Order(2)
    void twoCollidersOfFourAreBeyondFAndNothingWins() throws Exception {
        whileInEffect(new Fault.Byzantine("collude", List.of("n3", "n4")), r -> {
            Tolerance t = tolerance();
            assertThat(t.byzantineBeyond()).isTrue();
            assertThat(t.byzantineWords()).endsWith("beyond f = 1 — the vote cannot be trusted");
            for (String q : questions.subList(20, 25)) {
                QueryRecord d = ask(q);
                assertThat(text(d, "n3")).as("the colluders agree exactly").isEqualTo(text(d, "n4"));
                assertThat(d.getDecision().getStatus()).as(q).isEqualTo(DecisionStatus.NO_CONSENSUS);
            }
        });
    }

    @Test
    @Order(3)
    void aSilentNodeLeavesTheDecisionDegradedAtTheDeadline() throws Exception {
        whileInEffect(new Fault.Byzantine("silent", List.of("n2")), r -> {
            assertThat(r.observed()).contains("withheld its answer (silent)");
            QueryRecord d = ask(questions.get(25));
            assertThat(d.getDecision().getStatus()).isEqualTo(DecisionStatus.DEGRADED);
            assertThat(d.getDecision().getNodesList()).doesNotContain("n2");
            assertThat(d.getDecision().getReason()).contains("deadline");
        });
    }

    @Test
    @Order(4)
    void garbageAndStaleAnswersAreOutvoted() throws Exception {
        whileInEffect(new Fault.Byzantine("garbage", List.of("n3")), garbage -> {
            QueryRecord d = ask(questions.get(26));
            assertThat(d.getDecision().getStatus()).isEqualTo(DecisionStatus.CONSENSUS);
            assertThat(d.getDecision().getAgreeingList()).hasSize(3).doesNotContain("n3");
        });
        whileInEffect(new Fault.Byzantine("stale", List.of("n1")), stale -> {
            assertThat(stale.observed()).contains("repeated its answer to an earlier question");
            QueryRecord e = ask(questions.get(40));
            assertThat(e.getDecision().getStatus()).isEqualTo(DecisionStatus.CONSENSUS);
            assertThat(e.getDecision().getAgreeingList()).doesNotContain("n1");
            assertThat(e.getDecision().getWinner()).isNotEqualTo("n1");
        });
    }

    @Test
    @Order(5)
    void anImpersonatedAnswerIsRejectedByEveryNodeAndTheRealNodesAnswerStillCounts() throws Exception {
        whileInEffect(new Fault.Byzantine("impersonate", List.of("n3"), "n1"), r -> {
            assertThat(r.observed()).contains("rejected an answer from n3 signed as n1");
            QueryRecord d = ask(questions.get(41));
            assertThat(d.getRejectedList()).contains("an answer from n3 signed as n1");
            assertThat(d.getDecision().getStatus()).isEqualTo(DecisionStatus.CONSENSUS);
            assertThat(d.getDecision().getAgreeingList()).contains("n1", "n3");
            assertThat(d.getAnswersList())
                    .extracting(Answer::getNodeId)
                    .containsExactlyInAnyOrder("n1", "n2", "n3", "n4");
            cluster.await(
                    "every node to count its rejections", Duration.ofSeconds(10), () -> cluster.client.status().stream()
                            .allMatch(s -> s.getRejectedEntries() >= 2
                                    && s.getRejectionsList().contains("rejected an answer from n3 signed as n1")));
        });
    }

    @Test
    @Order(6)
    void aLyingLeaderIsOverruledByEveryHonestFollowerAndTheirResultIsTheOneShown() throws Exception {
        String liar = "n2".equals(cluster.leader()) ? "n3" : "n2"; // not leading: the injection hands it the leadership
        List<String> honest = cluster.spec.nodes().stream()
                .map(n -> n.id())
                .filter(n -> !n.equals(liar))
                .toList();
        whileInEffect(new Fault.Byzantine("lying-leader", List.of(liar)), r -> {
            assertThat(r.observed())
                    .contains(liar + " published a decision naming")
                    .contains("overruled by");
            assertThat(cluster.leader()).isEqualTo(liar);
            for (String q : questions.subList(42, 45)) {
                QueryRecord d = ask(q);
                assertThat(d.hasOverruled()).as(q).isTrue();
                assertThat(d.getOverruled().getLeaderId()).isEqualTo(liar);
                assertThat(d.getOverruled().getStatus()).isEqualTo(DecisionStatus.CONSENSUS);
                assertThat(d.getOverruledByList()).containsExactlyInAnyOrderElementsOf(honest);
                assertThat(d.getDisputesList())
                        .extracting(x -> x.getNodeId())
                        .containsExactlyInAnyOrderElementsOf(honest);
                // What the operator sees is the followers' count of the logged answers, not the leader's.
                assertThat(d.getDecision().getWinner())
                        .isNotEqualTo(d.getOverruled().getWinner());
                assertThat(d.getDecision().getStatus()).isEqualTo(DecisionStatus.CONSENSUS);
                assertThat(d.getVerified()).isTrue();
            }
        });
        QueryRecord after = ask(questions.get(45));
        assertThat(after.hasOverruled())
                .as("healed: decisions follow from the answers again")
                .isFalse();
        assertThat(after.getDisputesList()).isEmpty();
        assertThat(after.getVerified()).isTrue();
    }
}
