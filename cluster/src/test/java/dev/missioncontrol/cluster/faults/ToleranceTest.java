package dev.missioncontrol.cluster.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.missioncontrol.cluster.config.ClusterSpec;
import dev.missioncontrol.cluster.proto.NodeStatus;
import dev.missioncontrol.cluster.proto.Role;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What the cluster can take, in words with the bound: nodes down, frozen or on a side without a majority. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ToleranceTest {
    private static Map<String, NodeStatus> up(ClusterSpec spec, String... down) {
        Map<String, NodeStatus> m = new LinkedHashMap<>();
        for (var n : spec.nodes()) {
            boolean isDown = List.of(down).contains(n.id());
            m.put(
                    n.id(),
                    NodeStatus.newBuilder()
                            .setNodeId(n.id())
                            .setRole(isDown ? Role.UNREACHABLE : Role.FOLLOWER)
                            .build());
        }
        return m;
    }

    private static FaultRecord active(String id, Fault f) {
        return new FaultRecord(id, f, FaultRecord.State.CONFIRMED, Actor.of("test"), 1, 2, 0, 0, "", "");
    }

    @Test
    void twoOfThreeDownIsBeyondWhatThreeNodesTolerate() {
        ClusterSpec three = ClusterSpec.loopback(3, List.of("all-minilm-l6-v2"));
        Tolerance ok = Tolerance.of(three, up(three), Set.of(), List.of());
        assertThat(ok.figures()).isEqualTo("n 3 · tolerates 1 crash, f = 0 Byzantine · q 2");
        assertThat(ok.words()).isEqualTo("every node up and connected");
        Tolerance one = Tolerance.of(three, up(three, "n3"), Set.of(), List.of());
        assertThat(one.beyond()).isFalse();
        assertThat(one.words()).isEqualTo("1 of 3 nodes down or cut off (n3): within the 1 this cluster tolerates");
        Tolerance two = Tolerance.of(three, up(three, "n3"), Set.of("n2"), List.of());
        assertThat(two.beyond()).isTrue();
        assertThat(two.words())
                .isEqualTo("2 of 3 nodes down or cut off (n2, n3): beyond the 1 this cluster tolerates — no quorum");
    }

    @Test
    void aPartitionCutsOffTheSideWithoutAMajority() {
        ClusterSpec five = ClusterSpec.loopback(5, List.of("all-minilm-l6-v2"));
        var isolated = active("f1", new Fault.Partition(List.of("n1", "n2"), List.of()));
        Tolerance t = Tolerance.of(five, up(five), Set.of(), List.of(isolated));
        assertThat(t.impaired()).containsExactly("n1", "n2");
        assertThat(t.beyond()).isFalse();
        ClusterSpec four = ClusterSpec.loopback(4, List.of("all-minilm-l6-v2"));
        var split = active("f2", new Fault.Partition(List.of("n1", "n2"), List.of()));
        Tolerance halves = Tolerance.of(four, up(four), Set.of(), List.of(split));
        assertThat(halves.impaired()).as("2 | 2: neither side holds 3 of 4").containsExactly("n1", "n2", "n3", "n4");
        assertThat(halves.words()).endsWith("beyond the 1 this cluster tolerates — no quorum");
    }

    @Test
    void byzantineNodesBeyondFAreWarnedOf() {
        ClusterSpec four = ClusterSpec.loopback(4, List.of("all-minilm-l6-v2"));
        var one = active("f1", new Fault.Byzantine("hallucinate", List.of("n4")));
        Tolerance within = Tolerance.of(four, up(four), Set.of(), List.of(one));
        assertThat(within.figures()).isEqualTo("n 4 · tolerates 1 crash, f = 1 Byzantine · q 3");
        assertThat(within.byzantineBeyond()).isFalse();
        assertThat(within.byzantineWords()).isEqualTo("1 Byzantine of 4 (n4): within f = 1");
        assertThat(within.beyond()).as("a liar is not down").isFalse();
        var two = active("f2", new Fault.Byzantine("collude", List.of("n3", "n4")));
        Tolerance beyond = Tolerance.of(four, up(four), Set.of(), List.of(two));
        assertThat(beyond.byzantineWords())
                .isEqualTo("2 Byzantine of 4 (n3, n4): beyond f = 1 — the vote cannot be trusted");
        ClusterSpec three = ClusterSpec.loopback(3, List.of("all-minilm-l6-v2"));
        var liar = active("f3", new Fault.Byzantine("garbage", List.of("n3")));
        assertThat(Tolerance.of(three, up(three), Set.of(), List.of(liar)).byzantineBeyond())
                .as("f = 0 with three nodes")
                .isTrue();
    }
}
