package dev.missioncontrol.cluster.node;

import dev.missioncontrol.cluster.client.ClusterClient;
import dev.missioncontrol.cluster.config.ClusterSpec;
import dev.missioncontrol.knowledge.KnowledgeBase;
import dev.missioncontrol.knowledge.rag.RagPipeline;
import dev.missioncontrol.models.embed.EmbeddingModel;
import dev.missioncontrol.models.embed.OnnxEmbedder;
import dev.missioncontrol.models.generate.SentenceVectors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * Real node JVMs on loopback for integration tests: one process per node, free ports, a shared model cache and a
 * handbook index built once and copied, explicit kill and restart.
 */
final class LocalCluster implements AutoCloseable {
    final ClusterSpec spec;
    final Path root;
    final Path clusterFile;
    final Path models;
    final Map<String, Process> processes = new LinkedHashMap<>();
    final ClusterClient client;

    private final List<String> nodeJvmArgs;

    LocalCluster(Path root, int size) {
        this(root, size, List.of());
    }

    /** @param nodeJvmArgs extra options of every node JVM (for example a small Raft log segment size) */
    LocalCluster(Path root, int size, List<String> nodeJvmArgs) {
        this.nodeJvmArgs = List.copyOf(nodeJvmArgs);
        this.root = root;
        this.spec = ClusterSpec.loopback(size, List.of(EmbeddingModel.MINILM.id()));
        this.clusterFile = root.resolve("cluster.conf");
        this.models = Path.of("target", "it-models").toAbsolutePath();
        spec.write(clusterFile);
        Path template = root.resolve("template");
        try (var embedder = OnnxEmbedder.load(EmbeddingModel.MINILM, models, 2);
                var kb = KnowledgeBase.open(template, embedder)) {
            // Built once here; every node finds the same fingerprint and reuses it. The sentence vectors a node would
            // otherwise embed in the background after it starts are embedded once per build and copied too.
            Path sentences = models.resolve(embedder.modelId() + ".sentences");
            var vectors = new SentenceVectors(embedder);
            Set<String> all = RagPipeline.sentencesOf(kb);
            if (vectors.load(sentences) < all.size()) {
                all.forEach(vectors::vector);
                vectors.save(sentences, all);
            }
            Files.copy(
                    sentences,
                    template.resolve("index").resolve(embedder.modelId() + ".sentences"),
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (var n : spec.nodes()) {
            copy(template.resolve("index"), dataDir(n.id()).resolve("index"));
        }
        spec.nodes().forEach(n -> start(n.id()));
        this.client = new ClusterClient(spec);
    }

    Path dataDir(String id) {
        return root.resolve(id);
    }

    Path logFile(String id) {
        return root.resolve(id + ".log");
    }

    void start(String id) {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "-XX:+UseSerialGC"));
        cmd.addAll(NodeMain.JVM_OPTIONS);
        cmd.addAll(nodeJvmArgs);
        cmd.addAll(List.of(
                "--enable-native-access=ALL-UNNAMED",
                "--sun-misc-unsafe-memory-access=allow",
                "-cp",
                pathingJar().toString(),
                NodeMain.class.getName(),
                "--id",
                id,
                "--cluster",
                clusterFile.toString(),
                "--data-dir",
                dataDir(id).toString(),
                "--models-dir",
                models.toString(),
                "--parent-pid",
                String.valueOf(ProcessHandle.current().pid())));
        try {
            Files.createDirectories(dataDir(id));
            Files.writeString(
                    logFile(id),
                    "$ " + String.join(" ", cmd) + "\n",
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
            Process p = new ProcessBuilder(cmd)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile(id).toFile()))
                    .start();
            processes.put(id, p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A jar whose manifest carries this JVM's class path: node JVMs get a short {@code java.class.path}, which ONNX
     * Runtime needs (a class path of several KB crashes it while loading a model).
     */
    private Path pathingJar() {
        Path jar = root.resolve("classpath.jar");
        if (Files.exists(jar)) {
            return jar;
        }
        StringBuilder cp = new StringBuilder();
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            cp.append(Path.of(entry).toUri()).append(' ');
        }
        java.util.jar.Manifest manifest = new java.util.jar.Manifest();
        manifest.getMainAttributes().put(java.util.jar.Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes()
                .put(java.util.jar.Attributes.Name.CLASS_PATH, cp.toString().strip());
        try (var out = new java.util.jar.JarOutputStream(Files.newOutputStream(jar), manifest)) {
            // The manifest is the whole content.
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return jar;
    }

    /** SIGKILL: the JVM gets no chance to clean up. */
    void kill(String id) {
        Process p = processes.get(id);
        p.destroyForcibly();
        try {
            p.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    String leader() {
        return client.leader().orElse(null);
    }

    /** Whether a node has applied the same decision history as the leader (false while either is unreachable). */
    boolean hasLeadersHistory(String node) {
        try {
            return client.history(node).equals(client.history(leader()));
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Polls until the condition holds, or fails with the node logs' tails. */
    void await(String what, Duration timeout, BooleanSupplier condition) {
        long end = System.nanoTime() + timeout.toNanos();
        RuntimeException last = null;
        while (System.nanoTime() < end) {
            try {
                if (condition.getAsBoolean()) {
                    return;
                }
            } catch (RuntimeException e) {
                last = e; // a node not reachable yet is a condition not met yet: keep polling
            }
            java.util.concurrent.locks.LockSupport.parkNanos(100_000_000);
        }
        throw new AssertionError(
                "Timed out after " + timeout + " waiting for " + what + (last == null ? "" : "; last error: " + last)
                        + "\n" + logs(),
                last);
    }

    String logs() {
        StringBuilder sb = new StringBuilder();
        for (String id : processes.keySet()) {
            try {
                List<String> lines = Files.readAllLines(logFile(id));
                Process p = processes.get(id);
                sb.append("--- ")
                        .append(id)
                        .append(p.isAlive() ? " (running)" : " (exited " + p.exitValue() + ")")
                        .append(" ---\n");
                lines.subList(Math.max(0, lines.size() - 15), lines.size())
                        .forEach(l -> sb.append(l).append('\n'));
            } catch (IOException e) {
                sb.append("--- ").append(id).append(": no log\n");
            }
        }
        return sb.toString();
    }

    private static void copy(Path from, Path to) {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else if (!p.getFileName().toString().equals("write.lock")) {
                    Files.copy(p, target);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        client.close();
        processes.values().forEach(Process::destroyForcibly);
        for (Process p : processes.values()) {
            try {
                p.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
