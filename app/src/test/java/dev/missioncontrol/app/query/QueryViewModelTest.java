package dev.missioncontrol.app.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.missioncontrol.app.console.FakeCluster;
import dev.missioncontrol.app.decision.DecisionFormat;
import dev.missioncontrol.app.timeline.TimelineEvent;
import dev.missioncontrol.app.timeline.TimelineModel;
import dev.missioncontrol.cluster.client.ClusterClient.ClusterException;
import dev.missioncontrol.cluster.proto.DecisionStatus;
import dev.missioncontrol.cluster.proto.LogEntryView;
import dev.missioncontrol.cluster.proto.QueryRecord;
import dev.missioncontrol.knowledge.rag.Questions;
import dev.missioncontrol.styles.Status;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(20)
class QueryViewModelTest {
    private final FakeCluster cluster = new FakeCluster();
    private final TimelineModel timeline = new TimelineModel(0);
    private final AtomicLong now = new AtomicLong(10_000);
    private final QueryViewModel vm = new QueryViewModel(
            cluster, timeline, List.of("What is the main bus voltage?"), "console op@ops-1", Runnable::run, now::get);

    @Test
    void anEmptyOrHugeQuestionCannotBeSubmitted() {
        assertThat(vm.canSubmitProperty().get()).isFalse();
        assertThat(vm.submit()).isFalse();
        assertThat(vm.errorProperty().get()).contains("Type a question");
        vm.questionProperty().set("x".repeat(Questions.MAX_CHARS + 1));
        assertThat(vm.canSubmitProperty().get()).isFalse();
        assertThat(vm.submit()).isFalse();
        assertThat(vm.errorProperty().get()).contains("the limit is 2,000");
        assertThat(cluster.submitted).isEmpty();
    }

    @Test
    void progressFollowsCommitAnswersAndDecision() {
        vm.questionProperty().set("  What is the main bus voltage? ");
        assertThat(vm.submit()).isTrue();
        assertThat(vm.busyProperty().get()).isTrue();
        assertThat(vm.canSubmitProperty().get()).isFalse();
        assertThat(vm.submit()).as("one query at a time").isFalse();
        var s = cluster.submitted.get(0);
        now.addAndGet(40);
        s.committed().complete(7L);
        assertThat(vm.progressProperty().get().committedAfter()).isEqualTo(40);
        now.addAndGet(200);
        vm.entries(List.of(
                LogEntryView.newBuilder()
                        .setType("ANSWER")
                        .setQueryId("q1")
                        .setNodeId("n2")
                        .build(),
                LogEntryView.newBuilder()
                        .setType("ANSWER")
                        .setQueryId("other")
                        .setNodeId("n1")
                        .build()));
        assertThat(vm.progressProperty().get().answeredAfter()).containsOnlyKeys("n2");
        assertThat(vm.progressProperty().get().answeredAfter().get("n2")).isEqualTo(240);

        s.decided()
                .complete(FakeCluster.record(
                        "q1", "What is the main bus voltage?", DecisionStatus.CONSENSUS, "n1", "n2", "n3"));
        assertThat(vm.busyProperty().get()).isFalse();
        assertThat(vm.progressProperty().get().running()).isFalse();
        assertThat(vm.progressProperty().get().answeredAfter()).containsOnlyKeys("n1", "n2", "n3");
        assertThat(vm.shownProperty().get().getQuery().getId()).isEqualTo("q1");
        assertThat(vm.history()).hasSize(1);
        assertThat(vm.asked()).containsExactly("What is the main bus voltage?");
        assertThat(timeline.events())
                .anySatisfy(e -> assertThat(e.kind()).isEqualTo(TimelineEvent.Kind.DECISION))
                .allSatisfy(e -> assertThat(e.status()).isEqualTo(Status.NORMAL));
    }

    @Test
    void aFailedSubmissionSaysWhyAndFreesTheField() {
        vm.questionProperty().set("What is the main bus voltage?");
        vm.submit();
        cluster.submitted
                .get(0)
                .decided()
                .completeExceptionally(new ClusterException("No quorum: 1 of 3 nodes reachable, 2 needed.", null));
        assertThat(vm.errorProperty().get()).contains("No quorum");
        assertThat(vm.progressProperty().get().failure()).contains("No quorum");
        assertThat(vm.busyProperty().get()).isFalse();
        assertThat(vm.history()).isEmpty();
        assertThat(timeline.events()).singleElement().satisfies(e -> assertThat(e.status())
                .isEqualTo(Status.CRITICAL));
    }

    @Test
    void everyDecisionInTheLogIsKeptOnceReopensAndExports(@TempDir Path dir) throws Exception {
        QueryRecord first = FakeCluster.record("a1", "first, \"quoted\"", DecisionStatus.CONSENSUS, "n1", "n2", "n3");
        QueryRecord second = FakeCluster.record("a2", "second", DecisionStatus.NO_CONSENSUS, "n1", "n2", "n3");
        vm.record(first);
        vm.record(second);
        vm.record(first); // a record stream that reconnects sends what it had again
        assertThat(vm.latestProperty().get()).isEqualTo(second);
        assertThat(vm.history()).extracting(r -> r.getQuery().getId()).containsExactly("a2", "a1");
        assertThat(vm.shownProperty().get().getQuery().getId()).isEqualTo("a2");
        assertThat(vm.reopen("a1")).isTrue();
        assertThat(vm.shownProperty().get().getQuery().getId()).isEqualTo("a1");
        assertThat(vm.reopen("nope")).isFalse();

        Path json = dir.resolve("d.json");
        vm.export(json);
        var tree = new ObjectMapper().readTree(json.toFile());
        assertThat(tree).hasSize(2);
        assertThat(tree.get(0).get("query_id").asText()).isEqualTo("a1");
        assertThat(tree.get(1).get("status").asText()).isEqualTo("NO_CONSENSUS");
        assertThat(tree.get(0).get("matrix")).hasSize(3);

        Path csv = dir.resolve("d.csv");
        vm.export(csv);
        List<String> lines = Files.readAllLines(csv);
        assertThat(lines).hasSize(3);
        assertThat(lines.get(1)).startsWith("a1,1000,\"first, \"\"quoted\"\"\",CONSENSUS,n1,3,");
        assertThat(lines.get(2))
                .as("no answer is exported as valid without consensus")
                .endsWith(",0,");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> vm.export(dir.resolve("d.txt")))
                .hasMessageContaining(".json or .csv");
    }

    @Test
    void aDecisionTheFollowersOverruleIsShownAsTheirsAndDisputed() {
        QueryRecord leaders =
                FakeCluster.record("b1", "bus voltage?", DecisionStatus.CONSENSUS, "n3", "n1", "n2").toBuilder()
                        .setChangedIndex(10)
                        .build();
        vm.record(leaders);
        assertThat(DecisionFormat.status(leaders)).isEqualTo(Status.NORMAL);
        assertThat(DecisionFormat.verdict(leaders)).startsWith("not verified: only");

        var theirs = leaders.getDecision().toBuilder()
                .setWinner("n1")
                .setReason("overruled the leader n1")
                .build();
        QueryRecord overruled = leaders.toBuilder()
                .setOverruled(leaders.getDecision().toBuilder().setLeaderId("n1"))
                .setDecision(theirs)
                .addOverruledBy("n2")
                .addOverruledBy("n3")
                .addDisputes(dev.missioncontrol.cluster.proto.Dispute.newBuilder()
                        .setNodeId("n2")
                        .setDetail("x"))
                .addDisputes(dev.missioncontrol.cluster.proto.Dispute.newBuilder()
                        .setNodeId("n3")
                        .setDetail("y"))
                .setVerified(true)
                .setChangedIndex(12)
                .build();
        vm.record(overruled);
        QueryRecord shown = vm.shownProperty().get();
        assertThat(shown.getDecision().getWinner())
                .as("the followers' result is the one shown")
                .isEqualTo("n1");
        assertThat(DecisionFormat.disputed(shown)).isTrue();
        assertThat(DecisionFormat.status(shown)).isEqualTo(Status.CRITICAL);
        assertThat(DecisionFormat.verdict(shown))
                .startsWith("DISPUTED — n2, n3 recomputed the vote")
                .contains("overruled the leader n1, which named n3 the winner with CONSENSUS");
        var json = DecisionFormat.json(shown, -1);
        assertThat(json.get("disputed").asBoolean()).isTrue();
        assertThat(json.get("disputes")).hasSize(2);
        assertThat(json.get("overruled").get("winner").asText()).isEqualTo("n3");
        assertThat(json.get("leader").asText())
                .as("the leader that was overruled")
                .isEqualTo("n1");
        assertThat(timeline.events()).anySatisfy(e -> assertThat(e.label()).isEqualTo("DISPUTED"));
    }
}
