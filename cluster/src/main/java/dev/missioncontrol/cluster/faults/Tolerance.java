package dev.missioncontrol.cluster.faults;

import dev.missioncontrol.cluster.config.ClusterSpec;
import dev.missioncontrol.cluster.proto.NodeStatus;
import dev.missioncontrol.cluster.proto.Role;
import dev.missioncontrol.cluster.vote.Vote;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the cluster can take now: its size n, the crash faults it tolerates (⌊(n−1)/2⌋ nodes down or cut off, leaving a
 * Raft majority), the Byzantine nodes its vote tolerates (f = ⌊(n−1)/3⌋: a 2f + 1 vote of n = 3f + 1), the vote's
 * q(n), and the nodes that are down, frozen, cut off from the majority or made to lie now.
 *
 * @param impaired nodes down (unreachable or not running), paused, or on a side of an active partition that holds no
 *     majority, in cluster order
 * @param active faults in effect
 * @param byzantine nodes with a Byzantine behaviour in effect, in cluster order
 * @param byzantineTolerated f = ⌊(n−1)/3⌋
 */
public record Tolerance(
        int size,
        int tolerated,
        int quorum,
        int majority,
        List<String> impaired,
        int active,
        List<String> byzantine,
        int byzantineTolerated) {

    /** f = ⌊(n−1)/3⌋: the Byzantine nodes a vote of q(n) among n nodes outvotes. */
    public static int byzantineTolerance(int size) {
        return (size - 1) / 3;
    }

    /** More nodes lie than the vote tolerates: a wrong answer may win, or none can. */
    public boolean byzantineBeyond() {
        return byzantine.size() > byzantineTolerated;
    }

    /**
     * The Byzantine bound in words: "2 Byzantine of 4: beyond f = 1 — the vote cannot be trusted", "1 Byzantine of 4:
     * within f = 1", "no Byzantine node (f = 1)".
     */
    public String byzantineWords() {
        if (byzantine.isEmpty()) {
            return "no Byzantine node (f = " + byzantineTolerated + ")";
        }
        String out = byzantine.size() + " Byzantine of " + size + " (" + String.join(", ", byzantine) + ")";
        return byzantineBeyond()
                ? out + ": beyond f = " + byzantineTolerated + " — the vote cannot be trusted"
                : out + ": within f = " + byzantineTolerated;
    }

    /** More nodes are out than the cluster tolerates: no quorum, nothing can be committed. */
    public boolean beyond() {
        return impaired.size() > tolerated;
    }

    /** "n 4 · tolerates 1 crash, f = 1 Byzantine · q 3". */
    public String figures() {
        return "n " + size + " · tolerates " + tolerated + " crash" + (tolerated == 1 ? "" : "es") + ", f = "
                + byzantineTolerated + " Byzantine · q " + quorum;
    }

    /**
     * In words, with the bound: "2 of 3 nodes down or cut off: beyond the 1 this cluster tolerates — no quorum", "1 of
     * 3 nodes down or cut off: within the 1 this cluster tolerates", "every node up and connected".
     */
    public String words() {
        if (impaired.isEmpty()) {
            return "every node up and connected";
        }
        String out = impaired.size() + " of " + size + " nodes down or cut off (" + String.join(", ", impaired) + ")";
        return beyond()
                ? out + ": beyond the " + tolerated + " this cluster tolerates — no quorum"
                : out + ": within the " + tolerated + " this cluster tolerates";
    }

    /**
     * @param status each node's last status (a node without one, or unreachable, counts as down)
     * @param paused nodes whose processes are frozen
     * @param active the faults in effect
     */
    public static Tolerance of(
            ClusterSpec spec, Map<String, NodeStatus> status, Set<String> paused, List<FaultRecord> active) {
        Set<String> out = new LinkedHashSet<>();
        List<String> up = new ArrayList<>();
        for (var n : spec.nodes()) {
            NodeStatus s = status.get(n.id());
            if (s == null || s.getRole() == Role.UNREACHABLE || paused.contains(n.id())) {
                out.add(n.id());
            } else {
                up.add(n.id());
            }
        }
        // The nodes that are up, in groups that can still talk to each other despite the active partitions: only a
        // group holding a majority keeps a leader.
        List<Set<String>> groups = connected(spec, up, active);
        Set<String> majoritySide = groups.stream()
                .filter(g -> g.size() >= spec.majority())
                .findFirst()
                .orElse(Set.of());
        for (String n : up) {
            // Cut off: on a side of a partition that holds no majority. A node that is alone only because the others
            // are down is not cut off; they are.
            boolean separated = up.stream().anyMatch(m -> !m.equals(n) && cut(spec, n, m, active));
            if (separated && !majoritySide.contains(n)) {
                out.add(n);
            }
        }
        List<String> ordered = spec.nodes().stream()
                .map(ClusterSpec.NodeSpec::id)
                .filter(out::contains)
                .toList();
        return new Tolerance(
                spec.size(),
                spec.crashTolerance(),
                Vote.quorum(spec.size()),
                spec.majority(),
                ordered,
                active.size(),
                liars(spec, active),
                byzantineTolerance(spec.size()));
    }

    /** The nodes with a Byzantine behaviour in effect, in cluster order. */
    static List<String> liars(ClusterSpec spec, List<FaultRecord> active) {
        Set<String> lying = new LinkedHashSet<>();
        active.stream()
                .filter(r -> r.fault().byzantine())
                .forEach(r -> lying.addAll(r.fault().nodes()));
        return spec.nodes().stream()
                .map(ClusterSpec.NodeSpec::id)
                .filter(lying::contains)
                .toList();
    }

    /**
     * The warning an answer must carry when more nodes lie than the vote tolerates ("2 Byzantine of 3 (n2, n3): beyond
     * f = 0 — the vote cannot be trusted"), or empty.
     */
    public static java.util.Optional<String> byzantineWarning(ClusterSpec spec, List<FaultRecord> active) {
        Tolerance t = new Tolerance(
                spec.size(),
                spec.crashTolerance(),
                Vote.quorum(spec.size()),
                spec.majority(),
                List.of(),
                active.size(),
                liars(spec, active),
                byzantineTolerance(spec.size()));
        return t.byzantineBeyond() ? java.util.Optional.of(t.byzantineWords()) : java.util.Optional.empty();
    }

    private static List<Set<String>> connected(ClusterSpec spec, List<String> up, List<FaultRecord> active) {
        List<Set<String>> groups = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (String start : up) {
            if (!seen.add(start)) {
                continue;
            }
            Set<String> group = new LinkedHashSet<>(List.of(start));
            List<String> frontier = new ArrayList<>(List.of(start));
            while (!frontier.isEmpty()) {
                String a = frontier.removeLast();
                for (String b : up) {
                    if (!group.contains(b) && !cut(spec, a, b, active)) {
                        group.add(b);
                        seen.add(b);
                        frontier.add(b);
                    }
                }
            }
            groups.add(group);
        }
        return groups;
    }

    /** Whether an active partition separates two nodes. */
    static boolean cut(ClusterSpec spec, String a, String b, List<FaultRecord> active) {
        for (FaultRecord r : active) {
            if (r.fault() instanceof Fault.Partition p) {
                List<String> other = FaultRules.otherSide(spec, p);
                if (p.nodes().contains(a) && other.contains(b) || p.nodes().contains(b) && other.contains(a)) {
                    return true;
                }
            }
        }
        return false;
    }
}
