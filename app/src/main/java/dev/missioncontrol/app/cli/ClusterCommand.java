package dev.missioncontrol.app.cli;

import dev.missioncontrol.app.supervisor.ClusterFiles;
import dev.missioncontrol.app.supervisor.NodeCommand;
import dev.missioncontrol.app.supervisor.NodeRepair;
import dev.missioncontrol.cluster.client.ClusterClient;
import dev.missioncontrol.cluster.config.ClusterSpec;
import dev.missioncontrol.cluster.proto.NodeStatus;
import dev.missioncontrol.models.embed.EmbeddingModel;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code cluster up|status|down|rejoin}: a local cluster of node JVMs on loopback; {@code cluster init}: the cluster file
 * of a cluster across hosts.
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
            ClusterCommand.Rejoin.class
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
        public Integer call() throws IOException, InterruptedException {
            PrintWriter out = spec.commandLine().getOut();
            Path data = pipeline.toConfig().dataDir();
            ClusterFiles files = ClusterFiles.cli(data);
            if (files.exists() && anyAlive(files)) {
                spec.commandLine()
                        .getErr()
                        .println("error: a cluster is already running in " + files.dir
                                + "; stop it first with ./mission-control cluster down");
                return 1;
            }
            int nodes = this.cluster.nodes;
            noteUntestedSize(out, nodes);
            ClusterSpec cluster = ClusterSpec.loopback(nodes, this.cluster.node.modelsOrDefault())
                    .withDeadlineMillis(this.cluster.node.deadline);
            // A fresh group each time: old node data would belong to another group.
            files.deleteRaftDirs(cluster);
            cluster.write(files.clusterFile());
            Files.createDirectories(files.log("x").getParent());
            Map<String, Long> pids = new LinkedHashMap<>();
            for (var n : cluster.nodes()) {
                Process p = ClusterCommand.startNode(files, n.id(), data.resolve("models"));
                pids.put(n.id(), p.pid());
            }
            files.writePids(pids);
            out.printf("started %d nodes (cluster file %s); waiting for a leader …%n", nodes, files.clusterFile());
            out.flush();
            try (ClusterClient client = new ClusterClient(cluster)) {
                if (awaitReady(client, pids, waitSeconds * 1000L)) {
                    print(out, client.status(), pids);
                    out.println("ready. Ask with: ./mission-control ask \"What is the main bus voltage?\"");
                    return 0;
                }
            }
            PrintWriter err = spec.commandLine().getErr();
            for (var e : pids.entrySet()) {
                if (!alive(e.getValue())) {
                    err.println("error: node " + e.getKey() + " exited during start; its log " + files.log(e.getKey())
                            + " ends with:");
                    tail(files.log(e.getKey()), 8).forEach(err::println);
                    stopAll(files);
                    return 1;
                }
            }
            err.println("error: no leader within " + waitSeconds + " s; node logs are in "
                    + files.log("n1").getParent());
            return 1;
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
            ClusterSpec cluster = ClusterSpec.forHosts(hosts, models, basePort).withDeadlineMillis(node.deadline);
            noteUntestedSize(out, cluster.size());
            cluster.write(file);
            out.printf("wrote %s:%n%n%s%n", file, cluster.format());
            out.println("Copy it to every host, open the ports above between the hosts, then on each host run its"
                    + " node:");
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

    /** Starts one node JVM that outlives this command; its output goes to the node's log file. */
    static Process startNode(ClusterFiles files, String id, Path models) throws IOException {
        Files.createDirectories(files.log(id).getParent());
        return new ProcessBuilder(NodeCommand.build(files, id, models, null))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(files.log(id).toFile()))
                .start();
    }

    /** Waits until every node answers and one leads; false on timeout or when a node process exits. */
    static boolean awaitReady(ClusterClient client, Map<String, Long> pids, long timeoutMillis)
            throws InterruptedException {
        long end = System.nanoTime() + timeoutMillis * 1_000_000;
        while (System.nanoTime() < end) {
            List<NodeStatus> status = client.status();
            if (status.stream().noneMatch(s -> "DOWN".equals(s.getRole()))
                    && status.stream().anyMatch(s -> "LEADER".equals(s.getRole()))) {
                return true;
            }
            if (pids.values().stream().anyMatch(pid -> !alive(pid))) {
                return false;
            }
            Thread.sleep(200);
        }
        return false;
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
                return status.stream().anyMatch(s -> "LEADER".equals(s.getRole())) ? 0 : 1;
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
            ClusterFiles files = ClusterFiles.cli(pipeline.toConfig().dataDir());
            int stopped = stopAll(files);
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
                        "error: no local cluster in " + files.dir + "; start one with ./mission-control cluster up");
                return 1;
            }
            ClusterSpec cluster = files.spec(null);
            if (cluster.nodes().stream().noneMatch(n -> n.id().equals(node))) {
                err.println("error: the cluster has no node " + node + "; its nodes are "
                        + cluster.nodes().stream().map(n -> n.id()).toList());
                return 1;
            }
            Map<String, Long> pids = new LinkedHashMap<>(files.pids());
            Long pid = pids.get(node);
            if (pid != null && alive(pid)) {
                err.println("error: " + node + " is running (pid " + pid + "). Rejoin is for a node that refuses to"
                        + " start because its Raft data is damaged; stop it first (kill " + pid + ") if that is the"
                        + " case.");
                return 1;
            }
            try (ClusterClient client = new ClusterClient(cluster)) {
                out.println("taking " + node + " out of the group, then starting it empty …");
                out.flush();
                Path aside = NodeRepair.rejoin(files, cluster, node, client::leaveGroup, client::addBack, () -> {
                    Process p = startNode(files, node, data.resolve("models"));
                    pids.put(node, p.pid());
                    files.writePids(pids);
                });
                long end = System.nanoTime() + waitSeconds * 1_000_000_000L;
                while (true) {
                    try {
                        String leader = client.leader().orElseThrow();
                        if (client.history(node).equals(client.history(leader))) {
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
            } catch (ClusterClient.ClusterException e) {
                err.println("error: " + e.getMessage());
                return 1;
            }
        }
    }

    static boolean anyAlive(ClusterFiles files) {
        return files.pids().values().stream().anyMatch(ClusterCommand::alive);
    }

    static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    /** Stops every recorded node: a polite stop, then SIGKILL after 10 s. Returns how many were running. */
    static int stopAll(ClusterFiles files) {
        List<ProcessHandle> running = files.liveNodes(true);
        running.forEach(ProcessHandle::destroy);
        for (ProcessHandle h : running) {
            try {
                h.onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
            } catch (Exception e) {
                h.destroyForcibly();
            }
        }
        files.writePids(Map.of());
        return running.size();
    }

    /** The pid this command started the node as, else the one the node reports (on its own host). */
    private static String pid(NodeStatus s, Map<String, Long> pids) {
        Long started = pids.get(s.getNodeId());
        if (started != null && started > 0) {
            return started.toString();
        }
        return "DOWN".equals(s.getRole()) || s.getPid() <= 0 ? "-" : Long.toString(s.getPid());
    }

    static void print(PrintWriter out, List<NodeStatus> status, Map<String, Long> pids) {
        out.printf(
                Locale.ROOT,
                "%-5s %-9s %5s %-6s %7s %7s %-20s %7s %5s %8s%n",
                "node",
                "role",
                "term",
                "leader",
                "commit",
                "applied",
                "retrieval model",
                "RSS MB",
                "CPU",
                "pid");
        for (NodeStatus s : status) {
            boolean down = "DOWN".equals(s.getRole());
            out.printf(
                    Locale.ROOT,
                    "%-5s %-9s %5s %-6s %7s %7s %-20s %7s %5s %8s%n",
                    s.getNodeId(),
                    s.getRole(),
                    down ? "-" : s.getTerm(),
                    down ? "-" : s.getLeaderId(),
                    down ? "-" : s.getCommitIndex(),
                    down ? "-" : s.getAppliedIndex(),
                    down ? "-" : s.getRetrievalModel(),
                    down ? "-" : String.format(Locale.ROOT, "%.0f", s.getRssBytes() / 1048576.0),
                    down ? "-" : String.format(Locale.ROOT, "%.0f%%", 100 * s.getProcessCpu()),
                    pid(s, pids));
        }
        out.flush();
    }

    static List<String> tail(Path file, int n) {
        try {
            List<String> lines = Files.readAllLines(file);
            return lines.subList(Math.max(0, lines.size() - n), lines.size());
        } catch (IOException e) {
            return List.of("(no log: " + e.getMessage() + ")");
        }
    }
}
