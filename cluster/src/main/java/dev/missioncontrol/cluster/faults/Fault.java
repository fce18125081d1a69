package dev.missioncontrol.cluster.faults;

import java.util.List;

/**
 * A fault that can be injected into a cluster, as the operator asked for it. Process faults act on the node's OS
 * process through the supervisor; network and timing faults are rules inside the nodes, behind their fault-control
 * RPC. Every one is real: a killed node's process is gone, a paused one is frozen by the OS, a partition stops Raft
 * traffic between processes, a slow link delays it, a slow node's answers arrive late.
 */
public sealed interface Fault {
    /**
     * The name scripts use: {@code kill}, {@code pause}, {@code partition}, {@code slow-link}, {@code slow-node}, and the
     * Byzantine behaviours {@code hallucinate}, {@code collude}, {@code garbage}, {@code silent}, {@code stale},
     * {@code lying-leader}, {@code impersonate}.
     */
    String type();

    /** The nodes it targets, in the order given. */
    List<String> nodes();

    /** Longest added latency on a link: longer than Raft's election timeouts many times over. */
    int MAX_LINK_DELAY_MILLIS = 5_000;
    /** Longest answer delay: six times the default query deadline. */
    int MAX_ANSWER_DELAY_MILLIS = 60_000;

    /** SIGKILL of the nodes' JVMs, as in a crash. */
    record Kill(List<String> nodes) implements Fault {
        public Kill {
            nodes = List.copyOf(nodes);
        }

        @Override
        public String type() {
            return "kill";
        }
    }

    /** SIGSTOP of the nodes' JVMs: alive, frozen, like a long GC pause, until resumed. */
    record Pause(List<String> nodes) implements Fault {
        public Pause {
            nodes = List.copyOf(nodes);
        }

        @Override
        public String type() {
            return "pause";
        }
    }

    /**
     * The links between {@code nodes} and {@code from} cut in both directions; {@code from} empty means every other
     * node (the named nodes are isolated from the rest).
     */
    record Partition(List<String> nodes, List<String> from) implements Fault {
        public Partition {
            nodes = List.copyOf(nodes);
            from = List.copyOf(from);
        }

        @Override
        public String type() {
            return "partition";
        }
    }

    /** Every round trip between one of the nodes and another node takes {@code delayMillis} longer. */
    record SlowLink(List<String> nodes, int delayMillis) implements Fault {
        public SlowLink {
            nodes = List.copyOf(nodes);
        }

        @Override
        public String type() {
            return "slow-link";
        }
    }

    /** The nodes' answers are logged {@code delayMillis} after they are computed. */
    record SlowNode(List<String> nodes, int delayMillis) implements Fault {
        public SlowNode {
            nodes = List.copyOf(nodes);
        }

        @Override
        public String type() {
            return "slow-node";
        }
    }

    /**
     * A Byzantine behaviour in the nodes' answer path: {@code hallucinate} (fluent, cited and wrong), {@code collude}
     * (the nodes, one group, all log the same wrong answer), {@code garbage} (nonsense), {@code silent} (alive, never
     * answers), {@code stale} (its answer to an earlier question), {@code lying-leader} (while it leads, its decisions name
     * another winner, status and matrix than the answers give; injecting it hands it the leadership), {@code impersonate} (it also proposes answers under
     * the id {@code as}, signed with its own key). The nodes keep running Raft honestly.
     *
     * @param as impersonate: the node whose id the forged answers carry; empty otherwise
     */
    record Byzantine(String kind, List<String> nodes, String as) implements Fault {
        /** The behaviours, as scripts name them. */
        public static final List<String> KINDS =
                List.of("hallucinate", "collude", "garbage", "silent", "stale", "lying-leader", "impersonate");
        /** The behaviour of a leader whose decisions do not follow from the answers. */
        public static final String LYING_LEADER = "lying-leader";

        public Byzantine {
            nodes = List.copyOf(nodes);
            as = as == null ? "" : as;
            if (!KINDS.contains(kind)) {
                throw new IllegalArgumentException(
                        "unknown Byzantine behaviour '" + kind + "' (known: " + String.join(", ", KINDS) + ")");
            }
        }

        public Byzantine(String kind, List<String> nodes) {
            this(kind, nodes, "");
        }

        @Override
        public String type() {
            return kind;
        }
    }

    /** Whether the fault makes nodes lie rather than fail. */
    default boolean byzantine() {
        return this instanceof Byzantine;
    }

    /** The delay a fault adds, or 0. */
    default int delayMillis() {
        return 0;
    }

    /** One line for people: "partition n1 | n2, n3", "slow-link n2 +200 ms". */
    default String describe() {
        return switch (this) {
            case Kill k -> "kill " + String.join(", ", k.nodes());
            case Pause p -> "pause " + String.join(", ", p.nodes());
            case Partition p ->
                "partition " + String.join(", ", p.nodes()) + " | "
                        + (p.from().isEmpty() ? "the rest" : String.join(", ", p.from()));
            case SlowLink s -> "slow-link " + String.join(", ", s.nodes()) + " +" + s.delayMillis() + " ms";
            case SlowNode s -> "slow-node " + String.join(", ", s.nodes()) + " +" + s.delayMillis() + " ms";
            case Byzantine b ->
                b.kind() + " " + String.join(", ", b.nodes()) + (b.as().isEmpty() ? "" : " as " + b.as());
        };
    }
}
