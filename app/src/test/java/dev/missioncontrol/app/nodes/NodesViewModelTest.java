package dev.missioncontrol.app.nodes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.missioncontrol.app.timeline.TimelineEvent;
import dev.missioncontrol.app.timeline.TimelineModel;
import dev.missioncontrol.cluster.config.ClusterSpec;
import dev.missioncontrol.cluster.proto.FaultRule;
import dev.missioncontrol.cluster.proto.LinkView;
import dev.missioncontrol.cluster.proto.NodeStatus;
import dev.missioncontrol.cluster.proto.PeerTraffic;
import dev.missioncontrol.cluster.proto.Role;
import dev.missioncontrol.cluster.supervisor.NodeProcess;
import dev.missioncontrol.styles.Status;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(20)
class NodesViewModelTest {
    private final ClusterSpec spec = ClusterSpec.loopback(3, List.of("all-minilm-l6-v2"));
    private final TimelineModel timeline = new TimelineModel(0);
    private final AtomicLong now = new AtomicLong(1_000);
    private final NodesViewModel vm = new NodesViewModel(spec, true, timeline, now::get);

    private static NodeStatus status(String id, Role role, long term, String leader) {
        return NodeStatus.newBuilder()
                .setNodeId(id)
                .setRole(role)
                .setTerm(term)
                .setLeaderId(leader)
                .setCommitIndex(5)
                .setAppliedIndex(5)
                .setRssBytes(300L << 20)
                .setProcessCpu(0.1)
                .build();
    }

    private void allUp(long term, String leader) {
        for (var n : spec.nodes()) {
            vm.onStatus(status(n.id(), n.id().equals(leader) ? Role.LEADER : Role.FOLLOWER, term, leader));
        }
    }

    @Test
    void aNodeStillEmbeddingItsKnowledgeSaysHowFarItIs() {
        NodeStatus.Builder s = NodeStatus.newBuilder();
        assertThat(NodeViewModel.warmUp(s.build())).isEmpty();
        assertThat(NodeViewModel.warmUp(
                        s.setSentencesReady(326).setSentencesTotal(1304).build()))
                .isEqualTo("embedding knowledge 25 %");
        assertThat(NodeViewModel.warmUp(s.setSentencesReady(1304).build())).isEmpty();
    }

    @Test
    void whatANodeSaysOfItsLinksChangesOnlyWhenTheyDo() {
        NodeStatus.Builder s = NodeStatus.newBuilder()
                .addLinks(LinkView.newBuilder().setPeer("n2").setReachable(true))
                .addLinks(LinkView.newBuilder().setPeer("n3").setReachable(true));
        assertThat(NodeViewModel.links(s.build())).isEmpty();
        s.setLinks(1, LinkView.newBuilder().setPeer("n3").setReachable(false));
        assertThat(NodeViewModel.links(s.build())).isEqualTo("unreached n3");
        s.addFaults(FaultRule.newBuilder()
                .setId("f2")
                .setDelay(PeerTraffic.newBuilder().addPeers("n2").setDelayMillis(200)));
        assertThat(NodeViewModel.links(s.build())).isEqualTo("unreached n3 · slow n2");
        s.setLinks(1, LinkView.newBuilder().setPeer("n3").setReachable(true));
        assertThat(NodeViewModel.links(s.build())).isEqualTo("slow n2");
    }

    @Test
    void startsInStandbyAndBecomesReadyWithALeader() {
        vm.apply();
        assertThat(vm.healthProperty().get()).isEqualTo(Status.STANDBY);
        assertThat(vm.node("n1").role()).isEqualTo("STARTING");
        assertThat(vm.readyProperty().get()).isFalse();
        now.addAndGet(4_000);
        allUp(1, "n2");
        vm.apply();
        assertThat(vm.readyProperty().get()).isTrue();
        assertThat(vm.readyAtProperty().get()).isEqualTo(5_000);
        assertThat(vm.leaderProperty().get()).isEqualTo("n2");
        assertThat(vm.node("n2").leaderProperty().get()).isTrue();
        assertThat(vm.healthProperty().get()).isEqualTo(Status.NORMAL);
        assertThat(vm.node("n1").processProperty().get()).contains("300 MB");
        assertThat(timeline.events()).anySatisfy(e -> assertThat(e.label()).isEqualTo("n2 leads"));
    }

    @Test
    void aKilledNodeIsDownWithWhyAndAnElectionIsShown() {
        allUp(1, "n1");
        vm.apply();
        vm.onProcess(new NodeProcess("n1", NodeProcess.State.KILLED, 42, 137, 0, List.of()));
        vm.onStatus(status("n2", Role.CANDIDATE, 2, ""));
        vm.apply();
        assertThat(vm.node("n1").role()).isEqualTo("DOWN");
        assertThat(vm.node("n1").health()).isEqualTo(Status.SERIOUS);
        assertThat(vm.node("n1").whyProperty().get()).contains("SIGKILL");
        assertThat(vm.node("n2").health()).isEqualTo(Status.CAUTION);
        assertThat(vm.healthProperty().get()).isEqualTo(Status.CAUTION);
        assertThat(vm.summaryProperty().get()).contains("election");
        assertThat(timeline.events())
                .anySatisfy(e -> assertThat(e.kind()).isEqualTo(TimelineEvent.Kind.ELECTION))
                .anySatisfy(e -> assertThat(e.label()).isEqualTo("n1 down"));

        vm.onStatus(status("n2", Role.LEADER, 2, "n2"));
        vm.onStatus(status("n3", Role.FOLLOWER, 2, "n2"));
        vm.apply();
        assertThat(vm.healthProperty().get()).isEqualTo(Status.SERIOUS);
        assertThat(vm.summaryProperty().get()).isEqualTo("n1 down: 2 of 3 up");
    }

    @Test
    void aNodeThatFailsToStartShowsItsLastLogLine() {
        vm.onProcess(new NodeProcess(
                "n3",
                NodeProcess.State.EXITED,
                7,
                1,
                0,
                List.of("node n3: Port 4242 (raft) on 127.0.0.1 is in use", "\tat x.y(Z.java:1)")));
        vm.apply();
        assertThat(vm.node("n3").whyProperty().get())
                .isEqualTo("exited with code 1: node n3: Port 4242 (raft) on 127.0.0.1 is in use");
    }

    @Test
    void quorumLostIsCriticalAndALostConnectionRecovers() {
        allUp(1, "n1");
        vm.apply();
        vm.onLost("n2", "connection refused or lost");
        vm.onLost("n3", "connection refused or lost");
        vm.apply();
        assertThat(vm.node("n2").role()).isEqualTo("UNREACHABLE");
        assertThat(vm.healthProperty().get()).isEqualTo(Status.CRITICAL);
        assertThat(vm.summaryProperty().get())
                .isEqualTo("n2 unreachable, n3 unreachable — quorum lost: 1 of 3 up, 2 needed");
        allUp(1, "n1");
        vm.apply();
        assertThat(vm.node("n2").role()).isEqualTo("FOLLOWER");
        assertThat(vm.healthProperty().get()).isEqualTo(Status.NORMAL);
    }

    @Test
    void aSilentNodeBecomesUnreachable() {
        allUp(1, "n1");
        vm.apply();
        now.addAndGet(NodesViewModel.STALE_MILLIS + 1);
        vm.onStatus(status("n1", Role.LEADER, 1, "n1"));
        vm.onStatus(status("n2", Role.FOLLOWER, 1, "n1"));
        vm.apply();
        assertThat(vm.node("n3").role()).isEqualTo("UNREACHABLE");
        assertThat(vm.node("n3").whyProperty().get()).contains("no status for 3 s");
    }
}
