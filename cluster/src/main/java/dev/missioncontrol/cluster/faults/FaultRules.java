package dev.missioncontrol.cluster.faults;

import dev.missioncontrol.cluster.config.ClusterSpec;
import dev.missioncontrol.cluster.proto.Behaviour;
import dev.missioncontrol.cluster.proto.FaultRule;
import dev.missioncontrol.cluster.proto.PeerTraffic;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What a network or timing fault is inside the nodes: the fault rule each node holds for it. */
final class FaultRules {
    private FaultRules() {}

    /**
     * The rule each node holds for a network or timing fault: a partition is a drop rule on each side against the
     * other; a slow link delays traffic on the slow node from every peer and on every peer from the slow node; a slow
     * node delays its own answers; a Byzantine fault replaces the answers of each of its nodes.
     */
    static Map<String, FaultRule> rules(ClusterSpec spec, String id, Fault fault) {
        Map<String, FaultRule> out = new LinkedHashMap<>();
        switch (fault) {
            case Fault.Partition p -> {
                List<String> other = otherSide(spec, p);
                p.nodes().forEach(n -> out.put(n, drop(id, other)));
                other.forEach(n -> out.put(n, drop(id, p.nodes())));
            }
            case Fault.SlowLink s -> {
                for (var n : spec.nodes()) {
                    List<String> from = s.nodes().contains(n.id())
                            ? spec.nodes().stream()
                                    .map(ClusterSpec.NodeSpec::id)
                                    .filter(x -> !x.equals(n.id()))
                                    .toList()
                            : s.nodes();
                    out.put(
                            n.id(),
                            FaultRule.newBuilder()
                                    .setId(id)
                                    .setDelay(PeerTraffic.newBuilder()
                                            .addAllPeers(from)
                                            .setDelayMillis(s.delayMillis()))
                                    .build());
                }
            }
            case Fault.SlowNode s ->
                s.nodes()
                        .forEach(n -> out.put(
                                n,
                                FaultRule.newBuilder()
                                        .setId(id)
                                        .setAnswerDelayMillis(s.delayMillis())
                                        .build()));
            case Fault.Byzantine b -> {
                Behaviour.Builder behaviour = Behaviour.newBuilder().setKind(b.kind());
                if (b.kind().equals("collude")) {
                    behaviour.addAllGroup(b.nodes());
                }
                behaviour.setAsNode(b.as());
                b.nodes()
                        .forEach(n -> out.put(
                                n,
                                FaultRule.newBuilder()
                                        .setId(id)
                                        .setBehaviour(behaviour)
                                        .build()));
            }
            default -> {}
        }
        return out;
    }

    private static FaultRule drop(String id, List<String> peers) {
        return FaultRule.newBuilder()
                .setId(id)
                .setDrop(PeerTraffic.newBuilder().addAllPeers(peers))
                .build();
    }

    /** The other side of a partition: the nodes named with {@code --from}, or every node not isolated. */
    static List<String> otherSide(ClusterSpec spec, Fault.Partition p) {
        if (!p.from().isEmpty()) {
            return p.from();
        }
        return spec.nodes().stream()
                .map(ClusterSpec.NodeSpec::id)
                .filter(n -> !p.nodes().contains(n))
                .toList();
    }

    /** Every rule a node should hold for the faults in effect (for a node started while they are). */
    static List<FaultRule> desired(ClusterSpec spec, List<FaultRecord> active, String node) {
        List<FaultRule> out = new ArrayList<>();
        for (FaultRecord r : active) {
            FaultRule rule = rules(spec, r.id(), r.fault()).get(node);
            if (rule != null) {
                out.add(rule);
            }
        }
        return out;
    }
}
