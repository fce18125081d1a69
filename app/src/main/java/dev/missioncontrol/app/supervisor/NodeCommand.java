package dev.missioncontrol.app.supervisor;

import dev.missioncontrol.cluster.node.NodeMain;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;

/**
 * The command line that starts one node JVM: this JVM's java binary and flags, and a short class path.
 *
 * <p>A {@code java.class.path} longer than about 4 KB makes ONNX Runtime 1.29 crash the JVM while it loads a model, so
 * a long class path (a test run, an IDE) is put into the manifest of a small jar and the node runs {@code -cp} that
 * jar; the product's own launcher already runs from the app jar, whose manifest lists the libraries.
 */
public final class NodeCommand {
    private static final int LONG_CLASS_PATH = 2_000;

    private NodeCommand() {}

    /**
     * @param parentPid the node exits when this process does (the console); null for nodes that outlive their
     *     starter ({@code cluster up})
     */
    public static List<String> build(ClusterFiles files, String id, Path models, Long parentPid) throws IOException {
        return build(files.clusterFile(), files.nodeDir(id), files.dir, id, models, parentPid);
    }

    /**
     * @param clusterFile the cluster file the node reads
     * @param nodeDir the node's data directory
     * @param workDir where a manifest-only class-path jar may be written
     * @param parentPid the node exits when this process does; null for a node that outlives its starter
     */
    public static List<String> build(
            Path clusterFile, Path nodeDir, Path workDir, String id, Path models, Long parentPid) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> !a.startsWith("-Xmx")
                        && !a.startsWith("-Xms")
                        && !a.startsWith("-agentlib")
                        && !a.startsWith("-javaagent")
                        && !a.startsWith("-XX:StartFlightRecording")
                        && !a.startsWith("-Dglass")
                        && !a.startsWith("-Dprism")
                        && !a.startsWith("-Dtestfx")
                        && !a.startsWith("-Dmonocle"))
                .toList());
        cmd.addAll(NodeMain.JVM_OPTIONS);
        cmd.addAll(List.of(
                "-cp",
                classPath(workDir),
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
     * get all the CPU the console leaves.
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

    /** This JVM's class path, or a manifest-only jar in {@code dir} that carries it when it is long. */
    static String classPath(Path dir) throws IOException {
        String cp = System.getProperty("java.class.path");
        if (cp.length() < LONG_CLASS_PATH) {
            return cp;
        }
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes()
                .put(
                        Attributes.Name.CLASS_PATH,
                        List.of(cp.split(java.io.File.pathSeparator)).stream()
                                .map(p -> Path.of(p).toAbsolutePath().toUri().toString())
                                .collect(Collectors.joining(" ")));
        Files.createDirectories(dir);
        Path jar = dir.resolve("node-classpath.jar");
        try (OutputStream out = Files.newOutputStream(jar);
                JarOutputStream j = new JarOutputStream(out, manifest)) {
            j.flush();
        }
        return jar.toString();
    }
}
