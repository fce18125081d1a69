package dev.missioncontrol.app.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.missioncontrol.cluster.client.ClusterClient;
import dev.missioncontrol.cluster.config.ClusterSecret;
import dev.missioncontrol.cluster.config.ClusterSpec;
import dev.missioncontrol.cluster.faults.Actor;
import dev.missioncontrol.cluster.faults.AuditJournal;
import dev.missioncontrol.cluster.faults.Fault;
import dev.missioncontrol.cluster.faults.FaultException;
import dev.missioncontrol.cluster.faults.FaultRecord;
import dev.missioncontrol.cluster.proto.NodeStatus;
import dev.missioncontrol.cluster.proto.Role;
import dev.missioncontrol.cluster.supervisor.ClusterFiles;
import dev.missioncontrol.cluster.supervisor.Supervisor;
import dev.missioncontrol.models.embed.EmbeddingModel;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code cluster up|status|down|rejoin|kill|restart|pause|resume}: a local cluster of node JVMs on loopback, supervised
 * through the pid file {@code up} writes; {@code cluster init}: the cluster file of a cluster across hosts.
 */
@Command(
        name = "cluster",
        mixinStandardHelpOptions = true,
        description = "Start, inspect and stop a local cluster of node JVMs on loopback, or write the cluster file of a"
                + " cluster across hosts.",
        subcommands = {
            ClusterCommand.Up.class,
            ClusterCommand.Init.class,
            ClusterCommand.Status.class,
            ClusterCommand.Down.class,
            ClusterCommand.Rejoin.class,
            ClusterCommand.Kill.class,
            ClusterCommand.Restart.class,
            ClusterCommand.Pause.class,
            ClusterCommand.Resume.class
        })
public final class ClusterCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code cluster up}: one JVM per node, free ports, waits for a leader. */
    @Command(
            name = "up",
            mixinStandardHelpOptions = true,
            description = "Start N node JVMs on loopback (free ports), wait for a leader and print the status.")
    static final class Up implements Callable<Integer> {
        @Mixin
        PipelineOptions pipeline;

        @Mixin
        LocalClusterOptions cluster;

        @Option(
                names = "--wait-s",
                defaultValue = "240",
                description = "How long to wait for the cluster to be ready (default 240; a first start builds"
                        + " every node's index).")
        int waitSeconds;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            Path data = pipeline.toConfig().dataDir();
            ClusterFiles files = ClusterFiles.cli(data);
            if (files.exists() && !files.liveNodes().isEmpty()) {
                err.println("error: a cluster is already running in " + files.dir()
                        + "; stop it first with ./mission-control cluster down");
                return 1;
            }
            int nodes = this.cluster.nodes;
            noteUntestedSize(out, nodes);
            java.util.Map<String, dev.missioncontrol.cluster.config.GeneratorSpec> generators =
                    new java.util.LinkedHashMap<>();
            pipeline.generatorForAllNodes().ifPresent(g -> generators.put("all", g));
            generators.putAll(this.cluster.node.generators());
            ClusterSpec cluster = ClusterSpec.loopback(nodes, this.cluster.node.modelsOrDefault())
                    .withDeadlineMillis(this.cluster.node.deadline)
                    .withGenerators(generators);
            // A fresh group each time: old node data would belong to another group.
            files.deleteRaftDirs(cluster);
            files.create(cluster);
            Supervisor supervisor = Supervisor.detached(files, cluster, data.resolve("models"));
            supervisor.startAll();
            out.printf("started %d nodes (cluster file %s); waiting for a leader …%n", nodes, files.clusterFile());
            out.flush();
            try (ClusterClient client = new ClusterClient(cluster)) {
                Supervisor.Readiness ready = supervisor.awaitReady(client, waitSeconds * 1000L);
                if (ready.ready()) {
                    print(out, client.status(), files.pids());
                    out.println("ready. Ask with: ./mission-control ask \"What is the main bus voltage?\"");
                    return 0;
                }
                err.println("error: " + ready.problem());
                supervisor.stopAll();
                return 1;
            }
        }
    }

    /** {@code cluster init --hosts …}: the cluster file of a cluster whose nodes run on several hosts. */
    @Command(
            name = "init",
            mixinStandardHelpOptions = true,
            description = "Write the cluster file of a cluster across hosts (one node per listed host, fixed ports),"
                    + " and print what to run on each host.")
    static final class Init implements Callable<Integer> {
        @Option(
                names = "--hosts",
                required = true,
                split = ",",
                paramLabel = "HOST",
                description = "One host name or address per node, in node order (n1, n2, …); a host may repeat.")
        List<String> hosts;

        @Mixin
        NodeOptions node;

        @Option(
                names = "--base-port",
                defaultValue = "7100",
                description = "Node i listens on base+i (Raft), base+100+i (API), base+200+i (metrics); default 7100.")
        int basePort;

        @Option(
                names = "--out",
                defaultValue = "cluster.conf",
                paramLabel = "FILE",
                description = "Where to write the file (default cluster.conf); an existing file is not overwritten.")
        Path file;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            if (Files.exists(file)) {
                spec.commandLine()
                        .getErr()
                        .println("error: " + file + " exists; it may be the file of a running cluster. Remove it"
                                + " first, or write elsewhere with --out FILE.");
                return 1;
            }
            List<String> models = node.modelsOrDefault();
            for (String m : models) {
                EmbeddingModel.byId(m); // names the known models when one is wrong
            }
            ClusterSpec cluster = ClusterSpec.forHosts(hosts, models, basePort)
                    .withDeadlineMillis(node.deadline)
                    .withGenerators(node.generators());
            noteUntestedSize(out, cluster.size());
            cluster.write(file);
            ClusterSecret.create(file);
            out.printf("wrote %s:%n%n%s%n", file, cluster.format());
            out.printf(
                    "and its secret %s (readable by you only): whoever can read it can inject faults.%n%n",
                    ClusterSecret.fileFor(file));
            out.println("Copy both to every host (keep the secret private), open the ports above between the hosts,"
                    + " then on each host run its node:");
            for (var n : cluster.nodes()) {
                out.printf("  on %-15s ./mission-control node --id %s --cluster %s%n", n.host(), n.id(), file);
            }
            out.printf("Then, from any host: ./mission-control cluster status --cluster %s%n", file);
            out.printf(
                    "                     ./mission-control ask --cluster %s \"What is the main bus voltage?\"%n",
                    file);
            out.printf("                     ./mission-control console --attach %s%n", file);
            return 0;
        }
    }

    private static void noteUntestedSize(PrintWriter out, int nodes) {
        if (!List.of(3, 4, 5, 7).contains(nodes)) {
            out.printf("note: %d nodes is not one of the tested sizes 3, 4, 5, 7%n", nodes);
        }
    }

    /** {@code cluster status}. */
    @Command(name = "status", mixinStandardHelpOptions = true, description = "Print every node's Raft status.")
    static final class Status implements Callable<Integer> {
        @Mixin
        PipelineOptions pipeline;

        @Option(names = "--cluster", paramLabel = "FILE", description = "Cluster file (default: the local cluster).")
        Path clusterFile;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            ClusterFiles files = ClusterFiles.cli(pipeline.toConfig().dataDir());
            ClusterSpec cluster = files.spec(clusterFile);
            try (ClusterClient client = new ClusterClient(cluster)) {
                List<NodeStatus> status = client.status();
                print(spec.commandLine().getOut(), status, clusterFile == null ? files.pids() : Map.of());
                return status.stream().anyMatch(s -> s.getRole() == Role.LEADER) ? 0 : 1;
            }
        }
    }

    /** {@code cluster down}: stops the nodes {@code up} started, by PID. */
    @Command(name = "down", mixinStandardHelpOptions = true, description = "Stop the nodes started by cluster up.")
    static final class Down implements Callable<Integer> {
        @Mixin
        PipelineOptions pipeline;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            Path data = pipeline.toConfig().dataDir();
            ClusterFiles files = ClusterFiles.cli(data);
            int stopped = 0;
            if (files.exists()) {
                ClusterSpec cluster = files.spec(null);
                stopped = Supervisor.detached(files, cluster, data.resolve("models"))
                        .stopAll();
                ObjectNode e =
                        AuditJournal.event(cluster.group(), Actor.of("cli"), "action", System.currentTimeMillis());
                e.put("action", "cluster down");
                e.put("detail", "stopped " + stopped + " node process(es)");
                AuditJournal journal = AuditJournal.in(data);
                journal.append(e);
                journal.healedAll(cluster.group(), Actor.of("cli"), "the cluster was stopped (cluster down)");
            }
            spec.commandLine().getOut().printf("stopped %d node process(es)%n", stopped);
            return 0;
        }
    }

    /** {@code cluster rejoin NODE}: brings back a node whose Raft data is damaged. */
    @Command(
            name = "rejoin",
            mixinStandardHelpOptions = true,
            description = "Bring back a node that refuses to start because its Raft data is damaged: its directory is"
                    + " kept aside, the node starts empty and copies the log from the leader.")
    static final class Rejoin implements Callable<Integer> {
        @Mixin
        PipelineOptions pipeline;

        @CommandLine.Parameters(paramLabel = "NODE", description = "The node id, for example n3.")
        String node;

        @Option(
                names = "--wait-s",
                defaultValue = "120",
                description = "How long to wait for the node to catch up (default 120).")
        int waitSeconds;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws IOException, InterruptedException {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            Path data = pipeline.toConfig().dataDir();
            ClusterFiles files = ClusterFiles.cli(data);
            if (!files.exists()) {
                err.println(
                        "error: no local cluster in " + files.dir() + "; start one with ./mission-control cluster up");
                return 1;
            }
            ClusterSpec cluster = files.spec(null);
            if (cluster.nodes().stream().noneMatch(n -> n.id().equals(node))) {
                err.println("error: the cluster has no node " + node + "; its nodes are "
                        + cluster.nodes().stream().map(n -> n.id()).toList());
                return 1;
            }
            try (ClusterAccess c = ClusterAccess.open(data, null)) {
                if (c.supervisor() != null && c.supervisor().process(node).alive()) {
                    long pid = c.supervisor().process(node).pid();
                    err.println("error: " + node + " is running (pid " + pid + "). Rejoin is for a node that refuses to"
                            + " start because its Raft data is damaged; stop it first (kill " + pid + ") if that is the"
                            + " case.");
                    return 1;
                }
                out.println("taking " + node + " out of the group, then starting it empty …");
                out.flush();
                Path aside = c.controller().rebuild(node);
                long end = System.nanoTime() + waitSeconds * 1_000_000_000L;
                while (true) {
                    try {
                        String leader = c.client().leader().orElseThrow();
                        if (c.client().history(node).equals(c.client().history(leader))) {
                            break;
                        }
                    } catch (RuntimeException notYet) {
                        // The node is still starting or catching up.
                    }
                    if (System.nanoTime() > end) {
                        err.println("error: " + node + " rejoined the group but has not caught up after " + waitSeconds
                                + " s; see its log " + files.log(node));
                        return 1;
                    }
                    Thread.sleep(250);
                }
                out.println(node + " is back and holds the leader's decision history."
                        + (aside == null ? "" : " The damaged data is kept in " + aside + "."));
                return 0;
            } catch (ClusterClient.ClusterException | FaultException e) {
                err.println("error: " + e.getMessage());
                return 1;
            }
        }
    }

    /** A node action on the local cluster (or {@code --cluster FILE}), through the fault controller. */
    abstract static class NodeAction implements Callable<Integer> {
        @CommandLine.Parameters(paramLabel = "NODE", description = "The node id, for example n2.")
        String node;

        @Mixin
        FaultCommand.Target target;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        abstract String act(ClusterAccess c) throws Exception;

        @Override
        public Integer call() throws Exception {
            try (ClusterAccess c = target.open()) {
                spec.commandLine().getOut().println(act(c));
                return 0;
            } catch (FaultException | IllegalArgumentException | IllegalStateException e) {
                spec.commandLine().getErr().println("error: " + e.getMessage());
                return 1;
            }
        }

        /** Injects a process fault and waits for its confirmation. */
        static String inject(ClusterAccess c, Fault f) throws Exception {
            FaultRecord r = c.controller().inject(f);
            FaultRecord done = c.controller().confirmation(r.id()).get(60, TimeUnit.SECONDS);
            if (done.state() != FaultRecord.State.CONFIRMED) {
                throw new FaultException(done.id() + " " + done.state().word() + ": " + done.problem());
            }
            return done.id() + " " + f.describe() + ": " + done.observed() + " (fault clear " + done.id()
                    + " undoes it)";
        }

        /** Waits until the node answers again and has caught up. */
        static String awaitBack(ClusterAccess c, String node) throws InterruptedException {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
            while (System.nanoTime() < end) {
                var s = c.client().status(node);
                var leader = c.client().leader();
                if (s.getRole() != Role.UNREACHABLE && leader.isPresent()) {
                    long commit = c.client().status(leader.get()).getCommitIndex();
                    if (s.getAppliedIndex() >= commit - 2) {
                        return node + " is back (" + s.getRole() + ", term " + s.getTerm() + ", applied "
                                + s.getAppliedIndex() + ")";
                    }
                }
                Thread.sleep(200);
            }
            throw new IllegalStateException(node + " did not come back within 180 s; see its log");
        }
    }

    /** {@code cluster kill NODE}. */
    @Command(name = "kill", mixinStandardHelpOptions = true, description = "SIGKILL a node (the fault kill).")
    static final class Kill extends NodeAction {
        @Override
        String act(ClusterAccess c) throws Exception {
            return inject(c, new Fault.Kill(List.of(node)));
        }
    }

    /** {@code cluster pause NODE}. */
    @Command(name = "pause", mixinStandardHelpOptions = true, description = "SIGSTOP a node (the fault pause).")
    static final class Pause extends NodeAction {
        @Override
        String act(ClusterAccess c) throws Exception {
            return inject(c, new Fault.Pause(List.of(node)));
        }
    }

    /** {@code cluster restart NODE}. */
    @Command(
            name = "restart",
            mixinStandardHelpOptions = true,
            description = "Start a node that is down, or stop and start one that runs; waits until it caught up.")
    static final class Restart extends NodeAction {
        @Override
        String act(ClusterAccess c) throws Exception {
            c.controller().restart(node);
            return awaitBack(c, node);
        }
    }

    /** {@code cluster resume NODE}. */
    @Command(name = "resume", mixinStandardHelpOptions = true, description = "SIGCONT a paused node.")
    static final class Resume extends NodeAction {
        @Override
        String act(ClusterAccess c) throws Exception {
            c.controller().resume(node);
            return awaitBack(c, node);
        }
    }

    /** The pid this command started the node as, else the one the node reports (on its own host). */
    private static String pid(NodeStatus s, Map<String, Long> pids) {
        Long started = pids.get(s.getNodeId());
        if (started != null && started > 0) {
            return started.toString();
        }
        return s.getRole() == Role.UNREACHABLE || s.getPid() <= 0 ? "-" : Long.toString(s.getPid());
    }

    static void print(PrintWriter out, List<NodeStatus> status, Map<String, Long> pids) {
        int width = 20; // the models column: as wide as its longest label (a node's generator may follow its model)
        for (NodeStatus s : status) {
            width = Math.max(
                    width,
                    dev.missioncontrol.cluster.config.GeneratorSpec.label(s.getRetrievalModel(), s.getGenerator())
                            .length());
        }
        String row = "%-5s %-9s %5s %-6s %7s %7s %-" + width + "s %7s %5s %8s%n";
        out.printf(
                Locale.ROOT,
                row,
                "node",
                "role",
                "term",
                "leader",
                "commit",
                "applied",
                "model · generator",
                "RSS MB",
                "CPU",
                "pid");
        for (NodeStatus s : status) {
            boolean down = s.getRole() == Role.UNREACHABLE;
            out.printf(
                    Locale.ROOT,
                    row,
                    s.getNodeId(),
                    s.getRole(),
                    down ? "-" : s.getTerm(),
                    down ? "-" : s.getLeaderId(),
                    down ? "-" : s.getCommitIndex(),
                    down ? "-" : s.getAppliedIndex(),
                    down
                            ? "-"
                            : dev.missioncontrol.cluster.config.GeneratorSpec.label(
                                    s.getRetrievalModel(), s.getGenerator()),
                    down ? "-" : String.format(Locale.ROOT, "%.0f", s.getRssBytes() / 1048576.0),
                    down ? "-" : String.format(Locale.ROOT, "%.0f%%", 100 * s.getProcessCpu()),
                    pid(s, pids));
        }
        out.flush();
    }
}
