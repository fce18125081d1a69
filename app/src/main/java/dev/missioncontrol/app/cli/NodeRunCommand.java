package dev.missioncontrol.app.cli;

import dev.missioncontrol.cluster.config.ClusterSpec;
import dev.missioncontrol.cluster.supervisor.NodeCommand;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code node --id ID --cluster FILE}: runs one node of a cluster in the foreground, on this machine, which must be
 * the host the cluster file names for it. This is how a cluster spans hosts: every host gets the same cluster file
 * ({@code cluster init --hosts …}) and runs its own node. The node is a JVM of its own, started with the nodes' JVM
 * options; this command waits for it, shows its log, and stops it on Ctrl+C.
 */
@Command(
        name = "node",
        mixinStandardHelpOptions = true,
        description = {
            "Run one node of a cluster in the foreground on this host (for a cluster across hosts: write the cluster"
                    + " file with 'cluster init --hosts', copy it to every host, run 'node' on each). Ctrl+C stops"
                    + " the node.",
        })
public final class NodeRunCommand implements Callable<Integer> {
    @Option(names = "--id", required = true, paramLabel = "ID", description = "This node's id in the cluster file.")
    String id;

    @Option(names = "--cluster", required = true, paramLabel = "FILE", description = "The cluster file.")
    Path clusterFile;

    @Option(
            names = "--data-dir",
            paramLabel = "DIR",
            description = "Where the node keeps its Raft log, index and extracted models (default: ${DEFAULT-VALUE})."
                    + " The node's own data goes to DIR/node/ID.")
    Path dataDir = PipelineOptions.defaultDataDir();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!Files.isRegularFile(clusterFile)) {
            err.println("error: cluster file " + clusterFile + " does not exist. Write one with ./mission-control"
                    + " cluster init --hosts HOST1,HOST2,HOST3 and copy it to every host.");
            return 1;
        }
        ClusterSpec cluster = ClusterSpec.read(clusterFile);
        ClusterSpec.NodeSpec me = cluster.node(id);
        String notHere = notThisMachine(me.host());
        if (notHere != null) {
            err.println("error: node " + id + " is to run on " + me.host() + " (" + clusterFile + "), " + notHere
                    + ". Run this command on that host, or correct node " + id + "'s host in the cluster file.");
            return 1;
        }
        Path workDir = dataDir.resolve("node");
        Path nodeDir = workDir.resolve(id);
        Files.createDirectories(nodeDir);
        Process p = new ProcessBuilder(NodeCommand.build(
                        clusterFile,
                        nodeDir,
                        id,
                        dataDir.resolve("models"),
                        List.of(),
                        ProcessHandle.current().pid()))
                .inheritIO()
                .start();
        out.printf(
                "node %s: Raft on %s, API on %s, metrics on %s:%d; data in %s; pid %d. Ctrl+C stops it.%n",
                id, me.raftAddress(), me.apiAddress(), me.host(), me.metricsPort(), nodeDir, p.pid());
        out.flush();
        Thread stopper = new Thread(() -> stop(p), id + "-stop");
        Runtime.getRuntime().addShutdownHook(stopper);
        try {
            int code = p.waitFor();
            if (code != 0) {
                err.println("error: node " + id + " exited with code " + code + " (its reason is printed above)");
            }
            return code == 0 ? 0 : 1;
        } catch (InterruptedException e) {
            stop(p);
            Thread.currentThread().interrupt();
            return 0;
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(stopper);
            } catch (IllegalStateException shuttingDown) {
                // The hook is running: it stops the node.
            }
        }
    }

    /** Asks the node to stop (its shutdown hook closes Raft and the models), then ends it if it does not. */
    private static void stop(Process p) {
        p.destroy();
        boolean interrupted = false;
        for (int attempt = 0; attempt < 2 && p.isAlive(); attempt++) {
            try {
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                interrupted = true;
                p.destroyForcibly();
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Null when {@code host} is an address of this machine, else why not. */
    static String notThisMachine(String host) {
        InetAddress address;
        try {
            address = InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            return "a host name this machine cannot resolve";
        }
        try {
            if (address.isLoopbackAddress()
                    || address.isAnyLocalAddress()
                    || NetworkInterface.getByInetAddress(address) != null) {
                return null;
            }
        } catch (SocketException e) {
            return "and this machine's network interfaces cannot be listed (" + e.getMessage() + ")";
        }
        return "which is not an address of this machine";
    }
}
