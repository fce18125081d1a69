package dev.missioncontrol.cluster.supervisor;

import dev.missioncontrol.cluster.node.NodeMain;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The one command line that starts a node JVM, whoever starts it (the console, {@code cluster up}, {@code node}, the
 * benches, the tests): this JVM's java binary, its flags less those that belong to this JVM alone, the nodes' JVM
 * options ({@link NodeMain#JVM_OPTIONS}), any extra options, and this JVM's class path.
 */
public final class NodeCommand {
    private NodeCommand() {}

    /**
     * @param clusterFile the cluster file the node reads (its secret is beside it)
     * @param nodeDir the node's data directory
     * @param extraJvmOptions more JVM options (a test's small Raft log segments, say), after the nodes' own
     * @param parentPid the node exits when this process does (the console); null for a node that outlives its starter
     */
    public static List<String> build(
            Path clusterFile, Path nodeDir, String id, Path models, List<String> extraJvmOptions, Long parentPid) {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> !a.startsWith("-Xmx")
                        && !a.startsWith("-Xms")
                        && !a.startsWith("-Xss")
                        && !a.startsWith("-agentlib")
                        && !a.startsWith("-javaagent")
                        && !a.startsWith("-XX:StartFlightRecording")
                        && !a.startsWith("-Dglass")
                        && !a.startsWith("-Dprism")
                        && !a.startsWith("-Dtestfx")
                        && !a.startsWith("-Dmonocle"))
                .toList());
        cmd.addAll(NodeMain.JVM_OPTIONS);
        cmd.addAll(extraJvmOptions);
        cmd.addAll(List.of(
                "-cp",
                System.getProperty("java.class.path"),
                NodeMain.class.getName(),
                "--id",
                id,
                "--cluster",
                clusterFile.toAbsolutePath().toString(),
                "--data-dir",
                nodeDir.toAbsolutePath().toString(),
                "--models-dir",
                models.toAbsolutePath().toString()));
        if (parentPid != null) {
            cmd.addAll(List.of("--parent-pid", Long.toString(parentPid)));
        }
        return cmd;
    }

    /**
     * The node command run at a lower scheduling priority ({@code nice -n 10}) where the system has {@code nice}: the
     * nodes are batch workers that saturate the cores while they answer, and the console that supervises them is
     * interactive, so it must keep its frame rate and its GC pauses short whatever the nodes are doing. The nodes still
     * get all the CPU the console leaves. {@code nice} replaces itself with the node, so the pid is the node's.
     */
    public static List<String> atLowerPriority(List<String> cmd) {
        for (String nice : List.of("/usr/bin/nice", "/bin/nice")) {
            if (Files.isExecutable(Path.of(nice))) {
                List<String> out = new ArrayList<>(List.of(nice, "-n", "10"));
                out.addAll(cmd);
                return out;
            }
        }
        return cmd;
    }
}
