package dev.missioncontrol.cluster.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.missioncontrol.cluster.client.ClusterClient;
import dev.missioncontrol.cluster.config.ClusterSecret;
import dev.missioncontrol.cluster.faults.Actor;
import dev.missioncontrol.cluster.faults.AuditJournal;
import dev.missioncontrol.cluster.faults.Fault;
import dev.missioncontrol.cluster.faults.FaultController;
import dev.missioncontrol.cluster.faults.FaultException;
import dev.missioncontrol.cluster.faults.FaultRecord;
import dev.missioncontrol.cluster.proto.Answer;
import dev.missioncontrol.cluster.proto.ClearFaultRequest;
import dev.missioncontrol.cluster.proto.DecisionStatus;
import dev.missioncontrol.cluster.proto.FaultControlGrpc;
import dev.missioncontrol.cluster.proto.QueryRecord;
import dev.missioncontrol.cluster.proto.Role;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
 * Faults injected into three real node JVMs through the fault controller, each asserted by what the cluster does: a
 * partition makes the majority elect a new leader that decides without the cut node, which catches up after heal; a
 * frozen leader hands over and catches up after resume without a duplicated decision; a slow node past the deadline is
 * left out and its late answer kept but not counted; a slow link to one follower leaves commits fast through the
 * other; heal all brings everything back; two colluders of three are a quorum and their wrong answer wins, with the
 * tolerance saying the vote cannot be trusted. Control calls without the cluster's secret are refused. The steps build on
 * each other, in order; each ends with the cluster healed.
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultsIT {
    /** Short, so a slow node can land past it without a long test; answers here take well under a second. */
    private static final long DEADLINE_MILLIS = 4_000;

    @TempDir
    static Path root;

    static LocalCluster cluster;
    static FaultController faults;

    @BeforeAll
    static void start() {
        cluster = new LocalCluster(root, 3, List.of(), DEADLINE_MILLIS);
        faults = new FaultController(
                cluster.client, cluster.supervisor, AuditJournal.in(root.resolve("data")), Actor.of("test"));
        cluster.await("a leader", Duration.ofSeconds(90), () -> cluster.leader() != null);
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

    private static FaultRecord confirmed(Fault fault) throws Exception {
        return FaultSteps.confirmed(faults, fault);
    }

    private static FaultRecord healed(String id) throws Exception {
        return FaultSteps.healed(faults, id);
    }

    private static List<String> followers() {
        String leader = cluster.awaitLeader();
        return cluster.spec.nodes().stream()
                .map(n -> n.id())
                .filter(id -> !id.equals(leader))
                .toList();
    }

    @Test
    @Order(1)
    void aControlCallWithoutTheClustersSecretIsRefused() {
        try (ClusterClient viewer = new ClusterClient(cluster.spec)) {
            assertThatThrownBy(() -> viewer.control("n1")).hasMessageContaining("No cluster secret");
            var stub = FaultControlGrpc.newBlockingStub(viewer.channel("n1")).withDeadlineAfter(5, TimeUnit.SECONDS);
            assertThatThrownBy(() -> stub.clear(
                            ClearFaultRequest.newBuilder().setAll(true).build()))
                    .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
                        assertThat(e.getStatus().getDescription()).contains("carries none");
                    });
            Metadata wrong = new Metadata();
            wrong.put(Metadata.Key.of(ClusterSecret.HEADER, Metadata.ASCII_STRING_MARSHALLER), "not-the-secret");
            assertThatThrownBy(() -> stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(wrong))
                            .clear(ClearFaultRequest.newBuilder().setAll(true).build()))
                    .isInstanceOfSatisfying(
                            StatusRuntimeException.class,
                            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED));
        }
        try (ClusterClient noSecret = new ClusterClient(cluster.spec)) {
            FaultController viewOnly =
                    new FaultController(noSecret, null, AuditJournal.in(root.resolve("data")), Actor.of("test"));
            assertThatThrownBy(() -> viewOnly.inject(new Fault.Partition(List.of("n1"), List.of())))
                    .isInstanceOf(FaultException.class)
                    .hasMessageContaining("No cluster secret");
            assertThatThrownBy(() -> viewOnly.inject(new Fault.Kill(List.of("n1"))))
                    .hasMessageContaining("cannot reach");
            viewOnly.close();
        }
    }

    @Test
    @Order(2)
    void partitioningTheLeaderAwayElectsANewOneOnTheMajoritySideAndTheCutNodeCatchesUpAfterHeal() throws Exception {
        String old = cluster.awaitLeader();
        FaultRecord cut = confirmed(new Fault.Partition(List.of(old), List.of()));
        assertThat(cut.observed()).contains(old + " cut off from").contains(" leads ");
        String leader = cluster.leader();
        assertThat(leader).isNotNull().isNotEqualTo(old);
        assertThat(cluster.client.status(old).getRole()).isNotEqualTo(Role.LEADER);

        QueryRecord r = ask("What is the maximum charge voltage of the battery?");
        assertThat(r.getDecision().getStatus()).isEqualTo(DecisionStatus.DEGRADED);
        assertThat(r.getDecision().getLeaderId()).isEqualTo(leader);
        assertThat(r.getAnswersList()).extracting(Answer::getNodeId).doesNotContain(old);
        assertThat(cluster.client.history(old))
                .extracting(x -> x.getQuery().getId())
                .as("the cut-off node learns nothing while cut off")
                .doesNotContain(r.getQuery().getId());

        healed(cut.id());
        cluster.await(
                old + " holds the leader's history", Duration.ofSeconds(60), () -> cluster.hasLeadersHistory(old));
    }

    @Test
    @Order(3)
    void pausingTheLeaderHandsOverDecisionsGoOnAndTheOldLeaderCatchesUpWithoutADuplicate() throws Exception {
        String old = cluster.awaitLeader();
        FaultRecord frozen = confirmed(new Fault.Pause(List.of(old)));
        assertThat(frozen.observed()).contains("frozen").contains(" leads in term ");
        List<String> asked = new ArrayList<>();
        for (String q :
                List.of("How long is the hardware watchdog timeout?", "What is the nominal main bus voltage?")) {
            QueryRecord r = ask(q);
            assertThat(r.getDecision().getStatus()).isEqualTo(DecisionStatus.DEGRADED);
            assertThat(r.getAnswersList()).extracting(Answer::getNodeId).doesNotContain(old);
            asked.add(r.getQuery().getId());
        }
        healed(frozen.id());
        cluster.await(
                old + " follows and caught up",
                Duration.ofSeconds(60),
                () -> cluster.hasLeadersHistory(old)
                        && cluster.client.status(old).getRole() == Role.FOLLOWER);
        List<String> ids = cluster.client.history(old).stream()
                .map(x -> x.getQuery().getId())
                .toList();
        assertThat(ids).doesNotHaveDuplicates().containsAll(asked);
        assertThat(cluster.client.history(old)).allMatch(QueryRecord::hasDecision);
    }

    @Test
    @Order(4)
    void aSlowNodePastTheDeadlineIsLeftOutAndItsLateAnswerIsKeptButNotCounted() throws Exception {
        String slow = followers().getFirst();
        FaultRecord f = confirmed(new Fault.SlowNode(List.of(slow), (int) DEADLINE_MILLIS + 1_500));
        assertThat(f.observed()).contains(slow + " answered probe").contains("after the decision");

        QueryRecord r = ask("What is the battery charge current limit?");
        assertThat(r.getDecision().getStatus()).isEqualTo(DecisionStatus.DEGRADED);
        assertThat(r.getDecision().getNodesList()).doesNotContain(slow);
        assertThat(r.getDecision().getReason()).contains("deadline");
        String qid = r.getQuery().getId();
        cluster.await(
                "the late answer is logged",
                Duration.ofSeconds(30),
                () -> cluster.client.history(cluster.leader(), 5).stream()
                        .anyMatch(x -> x.getQuery().getId().equals(qid) && x.getLateAnswersCount() == 1));
        QueryRecord after = cluster.client.history(cluster.awaitLeader(), 5).stream()
                .filter(x -> x.getQuery().getId().equals(qid))
                .findFirst()
                .orElseThrow();
        assertThat(after.getLateAnswers(0).getNodeId()).isEqualTo(slow);
        assertThat(after.getLateAnswers(0).getLatencyMillis()).isGreaterThan(DEADLINE_MILLIS);
        assertThat(after.getDecision()).as("the decision is unchanged").isEqualTo(r.getDecision());
        healed(f.id());
    }

    @Test
    @Order(5)
    void aSlowLinkToOneFollowerLeavesCommitsFastThroughTheOther() throws Exception {
        String slow = followers().getLast();
        FaultRecord f = confirmed(new Fault.SlowLink(List.of(slow), 200));
        assertThat(f.observed()).contains("round trips").contains(slow + "↔");
        List<Long> commits = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            long t = System.nanoTime();
            cluster.client.sendNoOps(1).get(10, TimeUnit.SECONDS);
            commits.add((System.nanoTime() - t) / 1_000_000);
        }
        commits.sort(Long::compare);
        assertThat(commits.get(commits.size() / 2))
                .as("median commit with a 200 ms link to %s: %s", slow, commits)
                .isLessThan(100);
        healed(f.id());
    }

    @Test
    @Order(6)
    void faultsThatCannotComposeAreRefusedAndHealAllBringsEveryNodeBack() throws Exception {
        List<String> f = followers();
        confirmed(new Fault.Kill(List.of(f.get(0))));
        assertThatThrownBy(() -> faults.inject(new Fault.Pause(List.of(f.get(0)))))
                .isInstanceOf(FaultException.class)
                .hasMessageContaining(f.get(0) + " is already down");
        assertThatThrownBy(() -> faults.inject(new Fault.Kill(List.of("n9")))).hasMessageContaining("No node 'n9'");
        assertThatThrownBy(() -> faults.inject(new Fault.SlowLink(List.of(f.get(1)), 0)))
                .hasMessageContaining("between 1 and 5000");
        // A partition while a node is down: the down node starts with its half of the cut.
        confirmed(new Fault.Partition(List.of(f.get(1)), List.of()));
        assertThat(faults.active()).hasSize(2);

        FaultController.HealReport report = faults.healAll("heal all in the test");
        assertThat(report.inSync())
                .as(report.observed() + " " + report.problems())
                .isTrue();
        assertThat(report.healed()).hasSize(2);
        assertThat(faults.active()).isEmpty();
        for (var n : cluster.spec.nodes()) {
            cluster.await(n.id() + " in step", Duration.ofSeconds(30), () -> cluster.hasLeadersHistory(n.id()));
            assertThat(cluster.client.status(n.id()).getFaultsList()).isEmpty();
        }
        QueryRecord r = ask("What is the maximum charge voltage of the battery?");
        assertThat(r.getDecision().getStatus()).isEqualTo(DecisionStatus.CONSENSUS);
    }

    @Test
    @Order(7)
    void twoColludersOfThreeAreBeyondFAndTheirWrongAnswerWins() throws Exception {
        FaultRecord r = confirmed(new Fault.Byzantine("collude", List.of("n2", "n3")));
        try {
            java.util.Map<String, dev.missioncontrol.cluster.proto.NodeStatus> status = new java.util.LinkedHashMap<>();
            cluster.client.status().forEach(s -> status.put(s.getNodeId(), s));
            var tolerance = faults.tolerance(status);
            assertThat(tolerance.byzantineBeyond()).isTrue();
            assertThat(tolerance.byzantineWords())
                    .isEqualTo("2 Byzantine of 3 (n2, n3): beyond f = 0 — the vote cannot be trusted");
            assertThat(dev.missioncontrol.cluster.faults.Tolerance.byzantineWarning(cluster.spec, faults.active()))
                    .hasValueSatisfying(w -> assertThat(w).contains("beyond f = 0"));
            QueryRecord d = ask("What is the maximum charge voltage of the battery?");
            // Why the chapter asks for 3f + 1: two liars of three are a quorum, and the vote elects their answer.
            assertThat(d.getDecision().getStatus()).isEqualTo(DecisionStatus.CONSENSUS);
            assertThat(d.getDecision().getWinner()).isIn("n2", "n3");
            assertThat(d.getDecision().getAgreeingList()).contains("n2", "n3");
            String n2 = d.getAnswersList().stream()
                    .filter(a -> a.getNodeId().equals("n2"))
                    .findFirst()
                    .orElseThrow()
                    .getJson();
            String n3 = d.getAnswersList().stream()
                    .filter(a -> a.getNodeId().equals("n3"))
                    .findFirst()
                    .orElseThrow()
                    .getJson();
            assertThat(n2).isEqualTo(n3);
            String n1 = d.getAnswersList().stream()
                    .filter(a -> a.getNodeId().equals("n1"))
                    .findFirst()
                    .orElseThrow()
                    .getJson();
            assertThat(n2)
                    .as("the winning answer is the colluders', not the honest node's")
                    .isNotEqualTo(n1);
        } finally {
            healed(r.id());
        }
    }
}
