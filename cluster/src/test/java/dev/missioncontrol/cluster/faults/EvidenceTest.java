package dev.missioncontrol.cluster.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.missioncontrol.cluster.config.ClusterSpec;
import dev.missioncontrol.cluster.proto.LinkView;
import dev.missioncontrol.cluster.proto.NodeStatus;
import dev.missioncontrol.cluster.proto.Role;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Confirmations read from hand-made node reports: a fault counts as taken effect only when the cluster shows it (a
 * leader that stopped hearing a node, a majority side with its own leader and a minority side without one, round trips
 * that rose), never when only the controller's flag would say so.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class EvidenceTest {
    private final ClusterSpec spec = ClusterSpec.loopback(3, List.of("all-minilm-l6-v2"));

    private static NodeStatus node(String id, Role role, long term, String leader, LinkView... links) {
        return NodeStatus.newBuilder()
                .setNodeId(id)
                .setRole(role)
                .setTerm(term)
                .setLeaderId(leader)
                .setCommitIndex(40)
                .setAppliedIndex(40)
                .addAllLinks(List.of(links))
                .build();
    }

    private static LinkView link(String peer, boolean reachable, double rtt, long heardAgo) {
        return LinkView.newBuilder()
                .setPeer(peer)
                .setReachable(reachable)
                .setRttMillis(rtt)
                .setHeardAgoMillis(heardAgo)
                .build();
    }

    private static NodeStatus unreachable(String id) {
        return NodeStatus.newBuilder().setNodeId(id).setRole(Role.UNREACHABLE).build();
    }

    private static Evidence.Observation seen(Set<String> gone, Set<String> paused, NodeStatus... nodes) {
        Map<String, NodeStatus> m = new LinkedHashMap<>();
        for (NodeStatus s : nodes) {
            m.put(s.getNodeId(), s);
        }
        return new Evidence.Observation(m, gone, paused);
    }

    @Test
    void aKilledNodeIsConfirmedOnlyOnceTheLeaderStoppedHearingIt() {
        var stillHeard = seen(
                Set.of("n3"),
                Set.of(),
                node("n1", Role.LEADER, 2, "n1", link("n2", true, 2, 100), link("n3", false, -1, 300)),
                node("n2", Role.FOLLOWER, 2, "n1"),
                unreachable("n3"));
        assertThat(Evidence.killed(spec, List.of("n3"), stillHeard)).isEmpty();
        var silent = seen(
                Set.of("n3"),
                Set.of(),
                node("n1", Role.LEADER, 2, "n1", link("n2", true, 2, 100), link("n3", false, -1, 1_400)),
                node("n2", Role.FOLLOWER, 2, "n1"),
                unreachable("n3"));
        assertThat(Evidence.killed(spec, List.of("n3"), silent))
                .hasValue("n3's process is gone; n1 leads in term 2 and has not heard from n3 for 1.4 s");
        // The process still answering: not gone, whatever was asked.
        var answering = seen(Set.of(), Set.of(), node("n1", Role.LEADER, 2, "n1"), node("n3", Role.FOLLOWER, 2, "n1"));
        assertThat(Evidence.killed(spec, List.of("n3"), answering)).isEmpty();
    }

    @Test
    void killingTheLeaderIsConfirmedWhenAnotherNodeLeadsWithoutIt() {
        var electing = seen(
                Set.of("n1"),
                Set.of(),
                unreachable("n1"),
                node("n2", Role.CANDIDATE, 3, ""),
                node("n3", Role.FOLLOWER, 2, ""));
        assertThat(Evidence.killed(spec, List.of("n1"), electing)).isEmpty();
        var elected = seen(
                Set.of("n1"),
                Set.of(),
                unreachable("n1"),
                node("n2", Role.LEADER, 3, "n2", link("n1", false, -1, 2_000), link("n3", true, 3, 90)),
                node("n3", Role.FOLLOWER, 3, "n2"));
        assertThat(Evidence.killed(spec, List.of("n1"), elected))
                .hasValueSatisfying(s -> assertThat(s).contains("n2 leads in term 3"));
    }

    @Test
    void aPartitionIsConfirmedWhenTheProbesFailAndOnlyTheMajorityLeads() {
        var oldLeaderNotSteppedDown = seen(
                Set.of(),
                Set.of(),
                node("n1", Role.LEADER, 2, "n1", link("n2", false, -1, 900), link("n3", false, -1, 900)),
                node("n2", Role.LEADER, 3, "n2", link("n1", false, -1, 900), link("n3", true, 2, 80)),
                node("n3", Role.FOLLOWER, 3, "n2", link("n1", false, -1, -1), link("n2", true, 2, -1)));
        assertThat(Evidence.partitioned(spec, List.of("n1"), List.of("n2", "n3"), oldLeaderNotSteppedDown))
                .as("a cut-off leader still calling itself leader")
                .isEmpty();
        var settled = seen(
                Set.of(),
                Set.of(),
                node("n1", Role.CANDIDATE, 5, "", link("n2", false, -1, -1), link("n3", false, -1, -1)),
                node("n2", Role.LEADER, 3, "n2", link("n1", false, -1, 2_500), link("n3", true, 2, 80)),
                node("n3", Role.FOLLOWER, 3, "n2", link("n1", false, -1, -1), link("n2", true, 2, -1)));
        assertThat(Evidence.partitioned(spec, List.of("n1"), List.of("n2", "n3"), settled))
                .hasValue("n1 cut off from n2, n3 (probes across fail); n2 leads n2, n3 in term 3; n1 has no leader");
        var probesStillAnswer = seen(
                Set.of(),
                Set.of(),
                node("n1", Role.FOLLOWER, 3, "n2", link("n2", true, 2, -1), link("n3", true, 2, -1)),
                node("n2", Role.LEADER, 3, "n2", link("n1", true, 2, 80), link("n3", true, 2, 80)),
                node("n3", Role.FOLLOWER, 3, "n2", link("n1", true, 2, -1), link("n2", true, 2, -1)));
        assertThat(Evidence.partitioned(spec, List.of("n1"), List.of("n2", "n3"), probesStillAnswer))
                .isEmpty();
    }

    @Test
    void aSlowLinkIsConfirmedByRoundTripsThatRoseByMostOfTheDelay() {
        var before = seen(
                Set.of(),
                Set.of(),
                node("n1", Role.LEADER, 2, "n1", link("n2", true, 3, 50), link("n3", true, 4, 50)),
                node("n2", Role.FOLLOWER, 2, "n1", link("n1", true, 2, -1), link("n3", true, 3, -1)),
                node("n3", Role.FOLLOWER, 2, "n1", link("n1", true, 4, -1), link("n2", true, 3, -1)));
        var partly = seen(
                Set.of(),
                Set.of(),
                node("n1", Role.LEADER, 2, "n1", link("n2", true, 205, 50), link("n3", true, 4, 50)),
                node("n2", Role.FOLLOWER, 2, "n1", link("n1", true, 2, -1), link("n3", true, 3, -1)),
                node("n3", Role.FOLLOWER, 2, "n1", link("n1", true, 4, -1), link("n2", true, 3, -1)));
        assertThat(Evidence.slowed(spec, List.of("n2"), 200, before, partly))
                .as("n2↔n3 still fast")
                .isEmpty();
        var slow = seen(
                Set.of(),
                Set.of(),
                node("n1", Role.LEADER, 2, "n1", link("n2", true, 205, 50), link("n3", true, 4, 50)),
                node("n2", Role.FOLLOWER, 2, "n1", link("n1", true, 2, -1), link("n3", true, 3, -1)),
                node("n3", Role.FOLLOWER, 2, "n1", link("n1", true, 4, -1), link("n2", true, 207, -1)));
        assertThat(Evidence.slowed(spec, List.of("n2"), 200, before, slow))
                .hasValue("round trips n2↔n1 205 ms (was 2 ms), n2↔n3 207 ms (was 3 ms)");
        assertThat(Evidence.fast(spec, List.of("n2"), 200, slow)).isFalse();
        assertThat(Evidence.fast(spec, List.of("n2"), 200, before)).isTrue();
    }

    @Test
    void backInSyncMeansOneLeaderEveryoneFollowsAndEveryoneCaughtUp() {
        var lagging = seen(
                Set.of(),
                Set.of(),
                node("n1", Role.LEADER, 4, "n1"),
                node("n2", Role.FOLLOWER, 4, "n1"),
                NodeStatus.newBuilder()
                        .setNodeId("n3")
                        .setRole(Role.FOLLOWER)
                        .setTerm(4)
                        .setLeaderId("n1")
                        .setAppliedIndex(12)
                        .build());
        assertThat(Evidence.inSync(spec, 40, lagging)).isEmpty();
        var synced = seen(
                Set.of(),
                Set.of(),
                node("n1", Role.LEADER, 4, "n1"),
                node("n2", Role.FOLLOWER, 4, "n1"),
                node("n3", Role.FOLLOWER, 4, "n1"));
        assertThat(Evidence.inSync(spec, 40, synced))
                .hasValue("every node back: n1 leads in term 4, every node applied index 40 or later (40 when healed)");
        var frozen = seen(
                Set.of(),
                Set.of("n3"),
                node("n1", Role.LEADER, 4, "n1"),
                node("n2", Role.FOLLOWER, 4, "n1"),
                unreachable("n3"));
        assertThat(Evidence.inSync(spec, 40, frozen)).isEmpty();
    }
}
