package dev.missioncontrol.cluster.node;

import dev.missioncontrol.cluster.client.ClusterClient;
import dev.missioncontrol.cluster.config.ClusterSecret;
import dev.missioncontrol.cluster.config.ClusterSpec;
import dev.missioncontrol.cluster.supervisor.ClusterFiles;
import dev.missioncontrol.cluster.supervisor.NodeProcess;
import dev.missioncontrol.cluster.supervisor.Supervisor;
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
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * Real node JVMs on loopback for integration tests, started and supervised by the product's own {@link Supervisor}:
 * one process per node, free ports, the cluster's secret, a shared model cache and a handbook index built once and
 * copied, explicit kill, pause and restart.
 */
final class LocalCluster implements AutoCloseable {
    final ClusterSpec spec;
    final Path root;
    final ClusterFiles files;
    final Path models;
    final Supervisor supervisor;
    final ClusterClient client;

    LocalCluster(Path root, int size) {
        this(root, size, List.of());
    }

    /** @param nodeJvmArgs extra options of every node JVM (for example a small Raft log segment size) */
    LocalCluster(Path root, int size, List<String> nodeJvmArgs) {
        this(root, size, nodeJvmArgs, ClusterSpec.DEFAULT_DEADLINE_MILLIS);
    }

    /** @param deadlineMillis how long the leader waits for answers */
    LocalCluster(Path root, int size, List<String> nodeJvmArgs, long deadlineMillis) {
        this(root, size, nodeJvmArgs, deadlineMillis, java.util.Map.of());
    }

    /** @param generators each named node's generator (the others answer with the grounded one) */
    LocalCluster(
            Path root,
            int size,
            List<String> nodeJvmArgs,
            long deadlineMillis,
            java.util.Map<String, dev.missioncontrol.cluster.config.GeneratorSpec> generators) {
        this.root = root;
        this.spec = ClusterSpec.loopback(size, List.of(EmbeddingModel.MINILM.id()))
                .withDeadlineMillis(deadlineMillis)
                .withGenerators(generators);
        this.files = new ClusterFiles(root);
        this.models = Path.of("target", "it-models").toAbsolutePath();
        ClusterSecret secret = files.create(spec);
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
        this.supervisor = Supervisor.owned(files, spec, models, nodeJvmArgs, new Supervisor.Listener() {});
        try {
            supervisor.startAll();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.client = new ClusterClient(spec, Optional.of(secret));
    }

    Path dataDir(String id) {
        return files.nodeDir(id);
    }

    Path logFile(String id) {
        return files.log(id);
    }

    void start(String id) {
        try {
            supervisor.start(id);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** SIGKILL: the JVM gets no chance to clean up; returns once it is gone. */
    void kill(String id) {
        supervisor.kill(id);
    }

    NodeProcess process(String id) {
        return supervisor.process(id);
    }

    String leader() {
        return client.leader().orElse(null);
    }

    /** The leader the nodes name, waiting out an election that is under way (at most a minute). */
    String awaitLeader() {
        String[] found = new String[1];
        await("a leader", Duration.ofSeconds(60), () -> (found[0] = leader()) != null);
        return found[0];
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
        for (NodeProcess p : supervisor.processes()) {
            sb.append("--- ").append(p.node()).append(" (").append(p.describe()).append(") ---\n");
            ClusterFiles.tail(logFile(p.node()), 15).forEach(l -> sb.append(l).append('\n'));
        }
        return sb.toString();
    }

    private static void copy(Path from, Path to) {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else if (!p.getFileName().toString().endsWith(".lock")) {
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
        supervisor.close();
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
