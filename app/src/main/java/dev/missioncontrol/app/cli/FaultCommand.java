package dev.missioncontrol.app.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.missioncontrol.cluster.faults.Fault;
import dev.missioncontrol.cluster.faults.FaultController;
import dev.missioncontrol.cluster.faults.FaultException;
import dev.missioncontrol.cluster.faults.FaultRecord;
import dev.missioncontrol.cluster.faults.Tolerance;
import dev.missioncontrol.cluster.proto.NodeStatus;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code fault inject|list|clear|heal}: breaking the cluster on purpose from a script, through the same fault
 * controller as the console, and the same audit journal.
 */
@Command(
        name = "fault",
        mixinStandardHelpOptions = true,
        description = "Inject, list, clear and heal faults: kill, pause, partition, slow-link, slow-node.",
        subcommands = {
            FaultCommand.Inject.class,
            FaultCommand.ListFaults.class,
            FaultCommand.Clear.class,
            FaultCommand.Heal.class
        })
public final class FaultCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Where the cluster is: the local one by default. */
    static final class Target {
        @Option(names = "--cluster", paramLabel = "FILE", description = "Cluster file (default: the local cluster).")
        Path clusterFile;

        @Option(
                names = "--data-dir",
                paramLabel = "DIR",
                description = "Data directory (default: ${DEFAULT-VALUE}); its audit.jsonl records what is done.")
        Path dataDir = PipelineOptions.defaultDataDir();

        ClusterAccess open() {
            return ClusterAccess.open(dataDir, clusterFile);
        }
    }

    /** {@code fault inject TYPE NODE[,NODE…]}. */
    @Command(
            name = "inject",
            mixinStandardHelpOptions = true,
            description = {
                "Inject a fault and wait until the cluster is seen to react (exit 0), or say it was not (exit 1).",
                "  kill NODES            SIGKILL of the nodes' JVMs",
                "  pause NODES           SIGSTOP: frozen, like a long GC pause (fault clear resumes them)",
                "  partition NODES       cut the nodes off from the rest (--from NODES: only from those), both ways",
                "  slow-link NODES       every round trip with the nodes takes --delay-ms longer (1-5000)",
                "  slow-node NODES       the nodes' answers are logged --delay-ms late (1-60000)",
                "Byzantine: the nodes keep running Raft but lie in their answers (confirmed by their next answer):",
                "  hallucinate NODES     fluent, cited and wrong: another section, its values altered",
                "  collude NODES         the group (two or more) all give the same wrong answer",
                "  garbage NODES         nonsense text",
                "  silent NODES          alive, never answers",
                "  stale NODES           answers with its answer to an earlier question",
                "  lying-leader NODE     made the leader; publishes decisions that do not follow from the answers",
                "                        (another winner, CONSENSUS, a falsified matrix): the followers overrule it",
                "  impersonate NODE --as OTHER   also proposes answers as OTHER, signed with its own key (rejected)"
            })
    static final class Inject implements Callable<Integer> {
        @Parameters(
                index = "0",
                paramLabel = "TYPE",
                description =
                        "kill, pause, partition, slow-link, slow-node, hallucinate, collude, garbage, silent, stale,"
                                + " lying-leader or impersonate")
        String type;

        @Parameters(index = "1", paramLabel = "NODE[,NODE…]", split = ",", description = "The nodes, e.g. n2 or n1,n2")
        List<String> nodes;

        @Option(names = "--from", split = ",", paramLabel = "NODE", description = "partition: cut only these links")
        List<String> from = List.of();

        @Option(names = "--delay-ms", paramLabel = "MS", description = "slow-link and slow-node: the added delay")
        Integer delayMillis;

        @Option(
                names = "--as",
                paramLabel = "NODE",
                description = "impersonate: the node whose id the forged answers carry")
        String as;

        @Option(
                names = "--timeout-s",
                defaultValue = "60",
                description = "How long to wait for the confirmation (default 60; a slow node needs its delay too).")
        int timeoutSeconds;

        @Mixin
        Target target;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            Fault fault;
            try {
                fault = fault();
            } catch (IllegalArgumentException e) {
                err.println("error: " + e.getMessage());
                return 2;
            }
            try (ClusterAccess c = target.open()) {
                FaultRecord r = c.controller().inject(fault);
                out.printf("%s injected: %s; waiting for the cluster to react …%n", r.id(), fault.describe());
                out.flush();
                FaultRecord done;
                try {
                    done = c.controller().confirmation(r.id()).get(timeoutSeconds, TimeUnit.SECONDS);
                } catch (TimeoutException e) {
                    err.printf(
                            "error: %s is in effect but was not seen to take effect within %d s%n",
                            r.id(), timeoutSeconds);
                    return 1;
                }
                if (done.state() == FaultRecord.State.CONFIRMED) {
                    out.printf(
                            Locale.ROOT,
                            "%s confirmed after %.1f s: %s%n",
                            done.id(),
                            (done.confirmedAt() - done.injectedAt()) / 1000.0,
                            done.observed());
                    return 0;
                }
                err.println("error: " + done.id() + " " + done.state().word() + ": " + done.problem());
                return 1;
            } catch (FaultException e) {
                err.println("error: " + e.getMessage());
                return 1;
            }
        }

        private Fault fault() {
            return switch (type) {
                case "kill" -> new Fault.Kill(nodes);
                case "pause" -> new Fault.Pause(nodes);
                case "partition" -> new Fault.Partition(nodes, from);
                case "slow-link" -> new Fault.SlowLink(nodes, delay());
                case "slow-node" -> new Fault.SlowNode(nodes, delay());
                case "impersonate" -> new Fault.Byzantine(type, nodes, as == null ? "" : as);
                default -> Fault.Byzantine.KINDS.contains(type) ? new Fault.Byzantine(type, nodes) : unknownType();
            };
        }

        private Fault unknownType() {
            throw new IllegalArgumentException("unknown fault type '" + type + "'; known: kill, pause, partition,"
                    + " slow-link, slow-node, " + String.join(", ", Fault.Byzantine.KINDS));
        }

        private int delay() {
            if (delayMillis == null) {
                throw new IllegalArgumentException(type + " needs --delay-ms N, for example --delay-ms 200");
            }
            return delayMillis;
        }
    }

    /** {@code fault list [--json]}. */
    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            description = "Every fault of the cluster, with its state.")
    static final class ListFaults implements Callable<Integer> {
        @Option(
                names = "--json",
                description = "A JSON object: faults (id, type, nodes, state, times …) and tolerance.")
        boolean json;

        @Mixin
        Target target;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            try (ClusterAccess c = target.open()) {
                List<FaultRecord> all = c.controller().faults();
                Map<String, NodeStatus> status = new LinkedHashMap<>();
                c.client().status().forEach(s -> status.put(s.getNodeId(), s));
                Tolerance t = c.controller().tolerance(status);
                if (json) {
                    out.println(json(all, t));
                } else {
                    print(out, all, t);
                }
                out.flush();
                return 0;
            }
        }

        static String json(List<FaultRecord> all, Tolerance t) {
            ObjectMapper m = new ObjectMapper();
            ObjectNode o = m.createObjectNode();
            ArrayNode faults = o.putArray("faults");
            for (FaultRecord r : all) {
                ObjectNode f = faults.addObject();
                f.put("id", r.id());
                f.put("type", r.fault().type());
                ArrayNode nodes = f.putArray("nodes");
                r.fault().nodes().forEach(nodes::add);
                if (r.fault() instanceof Fault.Partition p) {
                    ArrayNode from = f.putArray("from");
                    p.from().forEach(from::add);
                }
                if (r.fault().delayMillis() > 0) {
                    f.put("delay_ms", r.fault().delayMillis());
                }
                f.put("state", r.state().word());
                time(f, "injected_at", r.injectedAt());
                time(f, "confirmed_at", r.confirmedAt());
                time(f, "healed_at", r.healedAt());
                time(f, "recovered_at", r.recoveredAt());
                f.put("by", r.by().describe());
                f.put("observed", r.observed());
                f.put("problem", r.problem());
            }
            ObjectNode tol = o.putObject("tolerance");
            tol.put("n", t.size());
            tol.put("tolerates", t.tolerated());
            tol.put("q", t.quorum());
            ArrayNode impaired = tol.putArray("impaired");
            t.impaired().forEach(impaired::add);
            tol.put("beyond", t.beyond());
            tol.put("words", t.words());
            tol.put("byzantine_tolerated", t.byzantineTolerated());
            ArrayNode byzantine = tol.putArray("byzantine");
            t.byzantine().forEach(byzantine::add);
            tol.put("byzantine_beyond", t.byzantineBeyond());
            tol.put("byzantine_words", t.byzantineWords());
            return o.toString();
        }

        private static void time(ObjectNode f, String key, long millis) {
            if (millis > 0) {
                f.put(key, Instant.ofEpochMilli(millis).toString());
            } else {
                f.putNull(key);
            }
        }

        private static void print(PrintWriter out, List<FaultRecord> all, Tolerance t) {
            out.println(t.figures() + " · " + t.words());
            out.println((t.byzantineBeyond() ? "WARNING: " : "") + t.byzantineWords());
            if (all.isEmpty()) {
                out.println("no faults injected in this cluster");
                return;
            }
            out.printf(
                    "%-5s %-10s %-22s %-10s %-9s %-9s %-9s %-9s%n",
                    "id", "type", "nodes", "state", "injected", "confirmed", "healed", "in sync");
            for (FaultRecord r : all) {
                String nodes = String.join(",", r.fault().nodes())
                        + (r.fault() instanceof Fault.Partition p && !p.from().isEmpty()
                                ? " | " + String.join(",", p.from())
                                : "")
                        + (r.fault().delayMillis() > 0 ? " +" + r.fault().delayMillis() + "ms" : "");
                out.printf(
                        "%-5s %-10s %-22s %-10s %-9s %-9s %-9s %-9s%n",
                        r.id(),
                        r.fault().type(),
                        nodes,
                        r.state().word(),
                        clock(r.injectedAt()),
                        clock(r.confirmedAt()),
                        clock(r.healedAt()),
                        clock(r.recoveredAt()));
                if (!r.problem().isEmpty() && r.state() == FaultRecord.State.FAILED) {
                    out.println("      " + r.problem());
                } else if (!r.observed().isEmpty() && r.active()) {
                    out.println("      " + r.observed());
                }
            }
        }

        private static String clock(long millis) {
            return millis <= 0
                    ? "-"
                    : java.time.format.DateTimeFormatter.ofPattern("HH:mm:ss")
                            .withZone(java.time.ZoneId.systemDefault())
                            .format(Instant.ofEpochMilli(millis));
        }
    }

    /** {@code fault clear ID}. */
    @Command(
            name = "clear",
            mixinStandardHelpOptions = true,
            description =
                    "Undo one fault (restart, resume, remove its rules) and wait until the nodes are back in sync.")
    static final class Clear implements Callable<Integer> {
        @Parameters(paramLabel = "ID", description = "The fault's id, as inject printed it (f3).")
        String id;

        @Mixin
        Target target;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            try (ClusterAccess c = target.open()) {
                c.controller().clear(id);
                out.println(id + " cleared; waiting for every node to be back in sync …");
                out.flush();
                FaultRecord r = c.controller()
                        .recovery(id)
                        .get(FaultController.RECOVER_TIMEOUT_MILLIS + 5_000, TimeUnit.MILLISECONDS);
                if (r.recoveredAt() > 0) {
                    out.printf(
                            Locale.ROOT,
                            "%s healed; back in sync after %.1f s%n",
                            id,
                            (r.recoveredAt() - r.healedAt()) / 1000.0);
                    return 0;
                }
                err.println("error: " + id + " is cleared, but the nodes were not seen back in sync in time");
                return 1;
            } catch (FaultException e) {
                err.println("error: " + e.getMessage());
                return 1;
            }
        }
    }

    /** {@code fault heal}. */
    @Command(
            name = "heal",
            mixinStandardHelpOptions = true,
            description = "Heal all: clear every fault, resume what is paused, restart what is down, and return when"
                    + " every node is back in sync.")
    static final class Heal implements Callable<Integer> {
        @Mixin
        Target target;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            try (ClusterAccess c = target.open()) {
                FaultController.HealReport r = c.controller().healAll("fault heal");
                out.println(r.healed().isEmpty() ? "no fault was active" : "healed " + String.join(", ", r.healed()));
                r.problems().forEach(p -> err.println("warning: " + p));
                if (r.inSync()) {
                    out.printf(
                            Locale.ROOT,
                            "every node back in sync after %.1f s: %s%n",
                            r.millis() / 1000.0,
                            r.observed());
                    return 0;
                }
                err.println("error: " + r.observed());
                return 1;
            }
        }
    }
}
