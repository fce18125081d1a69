package dev.missioncontrol.cluster.faults;

import dev.missioncontrol.cluster.config.ClusterSpec;
import dev.missioncontrol.cluster.proto.LinkView;
import dev.missioncontrol.cluster.proto.NodeStatus;
import dev.missioncontrol.cluster.proto.QueryRecord;
import dev.missioncontrol.cluster.proto.Role;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * How a fault is seen to take effect, and the cluster seen to recover from it, in what the nodes report about
 * themselves and what the operating system reports about their processes — never in what the controller set. Each
 * check returns what it saw, in words, or nothing yet.
 *
 * <ul>
 *   <li>kill: the process is gone, and the leader has not heard from the node for over a second (if it led, another
 *       node leads; if a majority is gone, no node leads).
 *   <li>pause: the OS reports the process stopped, and the leader has stopped hearing from it in the same way.
 *   <li>partition: the probes across the cut fail; the side holding a majority keeps or elects a leader and the other
 *       side has none.
 *   <li>slow link: the probes' round trip on each of the node's links rose by most of the delay.
 *   <li>slow node (in the controller): a question is answered by the node most of the delay late.
 *   <li>recovery: every node reachable, one leader all agree on, every node's applied index at least the commit index
 *       at the time the fault was healed (and, for a slow link, the round trips back down; for a partition, the probes
 *       across the cut answered).
 * </ul>
 */
final class Evidence {
    /** A follower the leader has not heard from for this long is down, as the leader's duty also counts it. */
    static final long SILENT_MILLIS = 1_000;

    private Evidence() {}

    /** The cluster at one moment: each node's status and the nodes whose processes are gone or frozen. */
    record Observation(Map<String, NodeStatus> status, Set<String> gone, Set<String> paused) {
        boolean reachable(String node) {
            NodeStatus s = status.get(node);
            return s != null && s.getRole() != Role.UNREACHABLE;
        }

        Optional<NodeStatus> leader() {
            return status.values().stream()
                    .filter(s -> s.getRole() == Role.LEADER)
                    .max(java.util.Comparator.comparingLong(NodeStatus::getTerm));
        }

        Optional<LinkView> link(String from, String to) {
            NodeStatus s = status.get(from);
            if (s == null || s.getRole() == Role.UNREACHABLE) {
                return Optional.empty();
            }
            return s.getLinksList().stream().filter(l -> l.getPeer().equals(to)).findFirst();
        }

        long commitIndex() {
            return leader().map(NodeStatus::getCommitIndex)
                    .orElse(status.values().stream()
                            .mapToLong(NodeStatus::getCommitIndex)
                            .max()
                            .orElse(0));
        }
    }

    /** The nodes' processes are gone, and the cluster noticed. */
    static Optional<String> killed(ClusterSpec spec, List<String> nodes, Observation o) {
        for (String n : nodes) {
            if (!o.gone().contains(n) || o.reachable(n)) {
                return Optional.empty();
            }
        }
        return noticed(spec, nodes, o).map(seen -> plural(nodes, "process is", "processes are") + " gone; " + seen);
    }

    /** The nodes' processes are frozen, and the cluster noticed. */
    static Optional<String> paused(ClusterSpec spec, List<String> nodes, Observation o) {
        for (String n : nodes) {
            if (!o.paused().contains(n)) {
                return Optional.empty();
            }
        }
        return noticed(spec, nodes, o)
                .map(seen -> plural(nodes, "process is", "processes are") + " frozen (stopped by SIGSTOP); " + seen);
    }

    /** The leader (another node) has not heard from any of the nodes for a while, or no node leads at all. */
    private static Optional<String> noticed(ClusterSpec spec, List<String> nodes, Observation o) {
        Optional<NodeStatus> leader = o.leader().filter(l -> !nodes.contains(l.getNodeId()));
        if (leader.isPresent()) {
            NodeStatus l = leader.get();
            List<String> heard = new ArrayList<>();
            for (String n : nodes) {
                long ago = o.link(l.getNodeId(), n)
                        .map(LinkView::getHeardAgoMillis)
                        .orElse(-1L);
                if (ago < SILENT_MILLIS) {
                    return Optional.empty();
                }
                heard.add(n + " for " + seconds(ago));
            }
            return Optional.of(l.getNodeId() + " leads in term " + l.getTerm() + " and has not heard from "
                    + String.join(", ", heard));
        }
        long survivors = spec.nodes().stream()
                .filter(n -> !nodes.contains(n.id()) && o.reachable(n.id()))
                .count();
        if (survivors < spec.majority() && o.leader().isEmpty()) {
            return Optional.of(
                    "no node leads: " + survivors + " of " + spec.size() + " left, " + spec.majority() + " needed");
        }
        return Optional.empty();
    }

    /** The links between the two sides are cut, and leadership follows the majority. */
    static Optional<String> partitioned(ClusterSpec spec, List<String> a, List<String> b, Observation o) {
        for (String x : a) {
            for (String y : b) {
                if (!cutSeen(x, y, o)) {
                    return Optional.empty();
                }
            }
        }
        String cut = String.join(", ", a) + " cut off from " + String.join(", ", b) + " (probes across fail)";
        List<String> major = a.size() >= spec.majority() ? a : b.size() >= spec.majority() ? b : List.of();
        List<String> minor = major == a ? b : major == b ? a : List.of();
        boolean whole = a.size() + b.size() == spec.size();
        if (!major.isEmpty()) {
            Optional<NodeStatus> l = o.leader().filter(s -> major.contains(s.getNodeId()));
            if (l.isEmpty()) {
                return Optional.empty();
            }
            String leader = l.get().getNodeId();
            for (String n : major) {
                if (o.reachable(n) && !o.status().get(n).getLeaderId().equals(leader)) {
                    return Optional.empty(); // the majority side has not settled on its leader yet
                }
            }
            for (String n : minor) {
                if (o.reachable(n) && o.status().get(n).getRole() == Role.LEADER) {
                    return Optional.empty(); // a cut-off leader has not stepped down yet
                }
            }
            return Optional.of(cut + "; " + leader + " leads " + String.join(", ", major) + " in term "
                    + l.get().getTerm() + (minor.isEmpty() ? "" : "; " + String.join(", ", minor) + " has no leader"));
        }
        if (whole) {
            if (o.leader().isPresent()) {
                return Optional.empty();
            }
            return Optional.of(cut + "; neither side holds a majority of " + spec.majority() + ", no node leads");
        }
        return Optional.of(cut);
    }

    /** Seen from either end: the probe from one to the other fails (a frozen or dead end cannot report). */
    private static boolean cutSeen(String x, String y, Observation o) {
        boolean fromX = o.link(x, y).map(l -> !l.getReachable()).orElse(false);
        boolean fromY = o.link(y, x).map(l -> !l.getReachable()).orElse(false);
        boolean xSpeaks = o.reachable(x), ySpeaks = o.reachable(y);
        return (!xSpeaks || fromX) && (!ySpeaks || fromY) && (xSpeaks || ySpeaks);
    }

    /** Every link of the nodes takes at least most of the delay longer than before. */
    static Optional<String> slowed(
            ClusterSpec spec, List<String> nodes, int delayMillis, Observation before, Observation now) {
        List<String> seen = new ArrayList<>();
        for (String n : nodes) {
            for (var p : spec.nodes()) {
                if (p.id().equals(n) || !now.reachable(p.id()) || !now.reachable(n)) {
                    continue;
                }
                double was = baseline(before, n, p.id());
                double is = Math.max(rtt(now, n, p.id()), rtt(now, p.id(), n));
                // Most of the delay on top of the link's own round trip; a round trip measured before still carrying
                // an earlier delay counts for at most a fifth of this one, so it cannot hide the new delay.
                if (is < 0.8 * delayMillis + Math.min(was, 0.2 * delayMillis)) {
                    return Optional.empty();
                }
                seen.add(String.format(Locale.ROOT, "%s↔%s %.0f ms (was %.0f ms)", n, p.id(), is, was));
            }
        }
        return seen.isEmpty() ? Optional.empty() : Optional.of("round trips " + String.join(", ", seen));
    }

    /** Every node back in one cluster and caught up to the commit index of the moment the fault was healed. */
    static Optional<String> inSync(ClusterSpec spec, long target, Observation o) {
        Optional<NodeStatus> leader = o.leader();
        if (leader.isEmpty()) {
            return Optional.empty();
        }
        String l = leader.get().getNodeId();
        long lowest = Long.MAX_VALUE;
        for (var n : spec.nodes()) {
            NodeStatus s = o.status().get(n.id());
            if (s == null
                    || s.getRole() == Role.UNREACHABLE
                    || o.paused().contains(n.id())
                    || !s.getLeaderId().equals(l)
                    || s.getAppliedIndex() < target) {
                return Optional.empty();
            }
            lowest = Math.min(lowest, s.getAppliedIndex());
        }
        return Optional.of(
                "every node back: " + l + " leads in term " + leader.get().getTerm() + ", every node applied index "
                        + lowest + " or later (" + target + " when healed)");
    }

    /**
     * The nodes' links have lost the added delay: every round trip, both ways, is back under half of it (or under 50
     * ms for a small delay). Measured against the delay, not against a baseline, so a clear in another process, which
     * never saw the round trips before the fault, judges it the same way.
     */
    static boolean fast(ClusterSpec spec, List<String> nodes, int delayMillis, Observation now) {
        double bound = Math.max(50, 0.5 * delayMillis);
        for (String n : nodes) {
            for (var p : spec.nodes()) {
                if (p.id().equals(n)) {
                    continue;
                }
                double a = rtt(now, n, p.id()), b = rtt(now, p.id(), n);
                if (a < 0 || b < 0 || a > bound || b > bound) {
                    return false;
                }
            }
        }
        return true;
    }

    /** The probes across a healed cut answer again, both ways. */
    static boolean joined(List<String> a, List<String> b, Observation o) {
        for (String x : a) {
            for (String y : b) {
                if (!o.link(x, y).map(LinkView::getReachable).orElse(false)
                        || !o.link(y, x).map(LinkView::getReachable).orElse(false)) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Each slow node answered the probe at least most of its delay late (counted, or kept as late). */
    static Optional<String> lateEnough(QueryRecord r, Fault.SlowNode slow) {
        List<String> seen = new ArrayList<>();
        for (String n : slow.nodes()) {
            var answer = java.util.stream.Stream.concat(r.getAnswersList().stream(), r.getLateAnswersList().stream())
                    .filter(a -> a.getNodeId().equals(n))
                    .findFirst();
            if (answer.isEmpty() || answer.get().getLatencyMillis() < 0.9 * slow.delayMillis()) {
                return Optional.empty();
            }
            boolean late = r.getLateAnswersList().contains(answer.get());
            seen.add(String.format(
                    java.util.Locale.ROOT,
                    "%s answered probe %s after %.0f ms%s",
                    n,
                    r.getQuery().getId(),
                    answer.get().getLatencyMillis(),
                    late ? ", after the decision (" + r.getDecision().getStatus() + " without it)" : ""));
        }
        return Optional.of(String.join("; ", seen));
    }

    private static double rtt(Observation o, String from, String to) {
        return o.link(from, to).map(LinkView::getRttMillis).orElse(-1.0);
    }

    /** The round trip between two nodes before the fault (the smaller way), or 0 when unknown. */
    private static double baseline(Observation before, String a, String b) {
        double x = rtt(before, a, b), y = rtt(before, b, a);
        double known = x >= 0 && y >= 0 ? Math.min(x, y) : Math.max(x, y);
        return Math.max(0, known);
    }

    private static String seconds(long millis) {
        return String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
    }

    private static String plural(List<String> nodes, String one, String many) {
        return nodes.size() == 1 ? nodes.getFirst() + "'s " + one : String.join(", ", nodes) + ": their " + many;
    }
}
