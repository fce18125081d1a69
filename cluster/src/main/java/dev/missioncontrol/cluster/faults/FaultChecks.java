package dev.missioncontrol.cluster.faults;

import dev.missioncontrol.cluster.client.ClusterClient;
import dev.missioncontrol.cluster.config.ClusterSpec;
import dev.missioncontrol.cluster.supervisor.NodeProcess;
import dev.missioncontrol.cluster.supervisor.Supervisor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Whether a fault can be injected now, and if not, why in words: a fault needs known nodes, parameters in range, a
 * state it composes with (a killed node cannot be paused, a frozen one cannot take its half of a partition), the
 * nodes' processes on this machine (kill, pause) or the cluster's secret (faults inside nodes).
 */
final class FaultChecks {
    private final FaultController controller;
    private final ClusterWatch watch;
    private final ClusterSpec spec;
    private final Supervisor supervisor;
    private final ClusterClient client;

    FaultChecks(FaultController controller, ClusterWatch watch, ClusterClient client, Supervisor supervisor) {
        this.controller = controller;
        this.watch = watch;
        this.client = client;
        this.spec = client.spec();
        this.supervisor = supervisor;
    }

    /** Why a fault cannot be injected now, or null. */
    String refusal(Fault fault) {
        if (fault.nodes().isEmpty()) {
            return "Name at least one node, for example: fault inject " + fault.type() + " n2";
        }
        Set<String> named = new LinkedHashSet<>();
        for (String n : fault.nodes()) {
            try {
                spec.node(n);
            } catch (IllegalArgumentException e) {
                return e.getMessage() + ".";
            }
            if (!named.add(n)) {
                return n + " is named twice.";
            }
        }
        Evidence.Observation o = watch.observe(ClusterWatch.CHECK_DEADLINE_MILLIS);
        Map<String, String> state = new LinkedHashMap<>();
        for (var n : spec.nodes()) {
            state.put(n.id(), describeState(n.id(), o));
        }
        switch (fault) {
            case Fault.Kill k -> {
                String why = processFault("kill", k.nodes(), state, o);
                if (why != null) {
                    return why;
                }
            }
            case Fault.Pause p -> {
                String why = processFault("pause", p.nodes(), state, o);
                if (why != null) {
                    return why;
                }
            }
            case Fault.Partition p -> {
                for (String n : p.from()) {
                    try {
                        spec.node(n);
                    } catch (IllegalArgumentException e) {
                        return e.getMessage() + ".";
                    }
                    if (p.nodes().contains(n)) {
                        return n + " is on both sides of the partition.";
                    }
                }
                List<String> other = FaultRules.otherSide(spec, p);
                if (other.isEmpty()) {
                    return "Isolating every node from nobody cuts nothing: name fewer nodes, or the other side with"
                            + " --from.";
                }
                List<String> both = new ArrayList<>(p.nodes());
                both.addAll(other);
                String why = inNodeFault("a partition", both, state, o);
                if (why != null) {
                    return why;
                }
            }
            case Fault.SlowLink s -> {
                if (s.delayMillis() < 1 || s.delayMillis() > Fault.MAX_LINK_DELAY_MILLIS) {
                    return "--delay-ms must be between 1 and " + Fault.MAX_LINK_DELAY_MILLIS
                            + " ms for a slow link, was " + s.delayMillis() + ".";
                }
                for (String n : s.nodes()) {
                    Optional<FaultRecord> already = controller.activeOn(n, Fault.SlowLink.class);
                    if (already.isPresent()) {
                        return n + " already has a slow link (" + already.get().id() + ", +"
                                + already.get().fault().delayMillis() + " ms): clear it first (fault clear "
                                + already.get().id() + ").";
                    }
                }
                String why = inNodeFault(
                        "a slow link",
                        spec.nodes().stream().map(ClusterSpec.NodeSpec::id).toList(),
                        state,
                        o);
                if (why != null) {
                    return why;
                }
            }
            case Fault.SlowNode s -> {
                if (s.delayMillis() < 1 || s.delayMillis() > Fault.MAX_ANSWER_DELAY_MILLIS) {
                    return "--delay-ms must be between 1 and " + Fault.MAX_ANSWER_DELAY_MILLIS + " ms for a slow node,"
                            + " was " + s.delayMillis() + ".";
                }
                for (String n : s.nodes()) {
                    Optional<FaultRecord> already = controller.activeOn(n, Fault.SlowNode.class);
                    if (already.isPresent()) {
                        return n + " is already a slow node (" + already.get().id() + ", +"
                                + already.get().fault().delayMillis() + " ms): clear it first (fault clear "
                                + already.get().id() + ").";
                    }
                }
                String why = inNodeFault("a slow node", s.nodes(), state, o);
                if (why != null) {
                    return why;
                }
            }
            case Fault.Byzantine b -> {
                if (b.kind().equals("collude") && b.nodes().size() < 2) {
                    return "Collusion needs a group of at least two nodes, for example: fault inject collude n3,n4";
                }
                if (b.kind().equals(Fault.Byzantine.LYING_LEADER) && b.nodes().size() != 1) {
                    return "A lying leader is one node (the one that will lead), for example: fault inject lying-leader n1";
                }
                if (b.kind().equals("impersonate")) {
                    if (b.as().isEmpty()) {
                        return "Name the node to impersonate, for example: fault inject impersonate n3 --as n1";
                    }
                    try {
                        spec.node(b.as());
                    } catch (IllegalArgumentException e) {
                        return e.getMessage() + ".";
                    }
                    if (b.nodes().contains(b.as())) {
                        return b.as() + " cannot impersonate itself: name another node with --as.";
                    }
                }
                for (String n : b.nodes()) {
                    Optional<FaultRecord> already = controller.activeOn(n, Fault.Byzantine.class);
                    if (already.isPresent()) {
                        return n + " already behaves as "
                                + already.get().fault().type() + " ("
                                + already.get().id() + "): clear it first (fault clear "
                                + already.get().id() + ").";
                    }
                }
                String why = inNodeFault("a Byzantine behaviour", b.nodes(), state, o);
                if (why != null) {
                    return why;
                }
            }
        }
        return null;
    }

    private String processFault(String what, List<String> nodes, Map<String, String> state, Evidence.Observation o) {
        for (String n : nodes) {
            if (supervisor == null) {
                return "Cannot " + what + " " + n + ": its process runs where this console or command cannot reach it"
                        + " (the cluster was not started here). Faults inside nodes (partition, slow-link, slow-node, the Byzantine"
                        + " behaviours) work from anywhere with the cluster's secret.";
            }
            if (o.gone().contains(n)) {
                return n + " is already down (" + state.get(n) + "); "
                        + (what.equals("kill") ? "there is nothing to kill." : "a pause needs a running process.")
                        + " Restart it first: ./mission-control cluster restart " + n;
            }
            if (o.paused().contains(n)) {
                return n + " is paused (" + state.get(n) + "): "
                        + (what.equals("kill") ? "resume it before killing it" : "it is already paused") + " ("
                        + controller
                                .activeOn(n, Fault.Pause.class)
                                .map(r -> "fault clear " + r.id())
                                .orElse("cluster resume " + n)
                        + ").";
            }
        }
        return null;
    }

    /** A fault set inside nodes needs each of them running (frozen ones cannot take it) and the cluster's secret. */
    private String inNodeFault(String what, List<String> nodes, Map<String, String> state, Evidence.Observation o) {
        if (!client.controls()) {
            return "No cluster secret: " + what + " is set inside the nodes, and they accept that only from whoever"
                    + " holds the secret beside the cluster file (cluster.secret). This console or command is view-only"
                    + " for faults.";
        }
        for (String n : nodes) {
            if (o.paused().contains(n)) {
                return n + " is paused (" + state.get(n) + "): " + what + " is set at both ends of the links it"
                        + " touches, and a frozen node cannot take its part. Resume it first.";
            }
            if (!o.reachable(n) && (supervisor == null || !o.gone().contains(n))) {
                return n + " does not answer (" + state.get(n) + "): " + what + " needs it to take its part of the"
                        + " rules. Bring it back first.";
            }
        }
        return null;
    }

    private String describeState(String node, Evidence.Observation o) {
        if (supervisor != null) {
            NodeProcess p = supervisor.process(node);
            Optional<FaultRecord> by = controller.active().stream()
                    .filter(r -> r.fault().nodes().contains(node)
                            && (r.fault() instanceof Fault.Kill || r.fault() instanceof Fault.Pause))
                    .reduce((a, b) -> b);
            return p.describe() + by.map(r -> ", " + r.id()).orElse("");
        }
        return o.reachable(node) ? "running" : "not answering";
    }
}
