package dev.missioncontrol.cluster.supervisor;

import dev.missioncontrol.cluster.node.NodeMain;
import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

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
        cmd.addAll(classArchive(nodeDir, System.getProperty("java.class.path")));
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
     * A node's JVM spends most of its start loading and linking classes (Ratis, gRPC, Lucene, protobuf): with three
     * JVMs starting on two cores, that was about 4 s of each node's start. The JDK's dynamic class-data archive keeps
     * them, parsed and verified, in the node's directory when the node stops, and maps them in at the next start. The
     * JDK does not write an archive again when the jar it was made from changed; it only ignores it. So the archive's
     * name carries the JDK and the jars it belongs to ({@code jvm-classes-<hash>.jsa}) and older ones are removed:
     * after an update, the first stop writes the new one. Only for a class path of jar files (the JDK cannot archive
     * classes from directories, as in tests). The JDK writes a truncated archive again but keeps a file that is not an
     * archive at all, so such a file is removed here.
     *
     * @param classPath the node's class path
     */
    static List<String> classArchive(Path nodeDir, String classPath) {
        Optional<Path> archive = archiveFor(nodeDir, classPath);
        if (archive.isEmpty()) {
            return List.of();
        }
        String name = archive.get().getFileName().toString();
        try (DirectoryStream<Path> old = Files.newDirectoryStream(nodeDir, "jvm-classes-*.jsa")) {
            for (Path p : old) {
                if (!p.getFileName().toString().equals(name)) {
                    Files.deleteIfExists(p);
                }
            }
            if (Files.isRegularFile(archive.get()) && !isClassArchive(archive.get())) {
                Files.delete(archive.get());
            }
        } catch (IOException e) {
            // the node directory is not there yet, or an old archive cannot go: neither stops the node
        }
        return List.of(
                "-XX:SharedArchiveFile=" + archive.get(),
                "-XX:+AutoCreateSharedArchive",
                "-Xlog:cds=off",
                "-Xlog:cds+dynamic=off");
    }

    /**
     * Whether a node started by this JVM writes its class archive when it stops: it has none yet for this jar. That
     * takes a few seconds of CPU after the node has stopped (once per jar), so its stop may take longer.
     */
    public static boolean writesClassArchive(Path nodeDir) {
        return archiveFor(nodeDir, System.getProperty("java.class.path"))
                .map(a -> !Files.isRegularFile(a))
                .orElse(false);
    }

    /** The node's archive for this JDK and class path (empty when the class path is not all jar files). */
    private static Optional<Path> archiveFor(Path nodeDir, String classPath) {
        String cp = classPath == null ? "" : classPath;
        List<Path> jars = cp.isEmpty()
                ? List.of()
                : Arrays.stream(cp.split(File.pathSeparator)).map(Path::of).toList();
        if (jars.isEmpty() || !jars.stream().allMatch(j -> j.toString().endsWith(".jar") && Files.isRegularFile(j))) {
            return Optional.empty();
        }
        StringBuilder identity = new StringBuilder(System.getProperty("java.home", ""))
                .append('|')
                .append(Runtime.version());
        try {
            for (Path j : jars) {
                identity.append('|')
                        .append(j.toAbsolutePath())
                        .append(':')
                        .append(Files.size(j))
                        .append(':')
                        .append(Files.getLastModifiedTime(j).toMillis());
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        String name = String.format(
                Locale.ROOT, "jvm-classes-%08x.jsa", identity.toString().hashCode());
        return Optional.of(nodeDir.toAbsolutePath().resolve(name));
    }

    /** The first four bytes of a dynamic class-data archive (the JDK's magic number, little-endian). */
    private static final byte[] ARCHIVE_MAGIC = {(byte) 0xa8, (byte) 0xab, 0x0b, (byte) 0xf0};

    static boolean isClassArchive(Path file) throws IOException {
        try (var in = Files.newInputStream(file)) {
            return Arrays.equals(in.readNBytes(4), ARCHIVE_MAGIC);
        }
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
