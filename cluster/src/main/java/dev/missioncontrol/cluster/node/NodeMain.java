package dev.missioncontrol.cluster.node;

import dev.missioncontrol.cluster.config.ClusterSecret;
import dev.missioncontrol.cluster.config.ClusterSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Process entry of one node: {@code NodeMain --id n1 --cluster FILE --data-dir DIR [--models-dir DIR]
 * [--parent-pid PID]}. With a parent pid the node exits when that process does, so a killed console leaves no
 * orphan node JVMs. Exit codes: 0 stopped, 1 could not start, 2 bad arguments.
 */
public final class NodeMain {
    /**
     * JVM options of a node process, given after any inherited ones so that they win.
     *
     * <ul>
     *   <li>A small heap: the models live off-heap in ONNX Runtime and the index is memory-mapped.
     *   <li>The C1 compiler only. A node's CPU goes to ONNX Runtime's native code; its Java code is Raft, gRPC and
     *       protobuf, whose many call paths each run a few times per query. With C2 those paths kept being compiled
     *       for hundreds of queries: after 500 queries a node still spent about 10 ms of C2 compiler time per query,
     *       on cores the three nodes' answers share. C1 compiles them once, quickly, and the measured consensus
     *       latency fell by about 30 % (see the README's cluster benchmark).
     * </ul>
     */
    public static final List<String> JVM_OPTIONS = List.of("-Xms32m", "-Xmx256m", "-XX:TieredStopAtLevel=1");

    /** Held so the setting sticks (JUL keeps loggers weakly): Lucene's notice about the Vector API is not for operators. */
    private static final java.util.logging.Logger LUCENE = java.util.logging.Logger.getLogger("org.apache.lucene");

    private NodeMain() {}

    public static void main(String[] args) {
        // A node's log is its operator-facing record: lifecycle and leadership at INFO, Ratis internals at WARN.
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "info");
        System.setProperty("org.slf4j.simpleLogger.log.org.apache.ratis", "warn");
        // A node's first proposal goes to a peer that may not lead; the Ratis client logs that redirect as an error
        // although it retries at the leader. A proposal that really fails is logged by the node itself.
        System.setProperty("org.slf4j.simpleLogger.log.org.apache.ratis.client.impl.OrderedAsync", "off");
        System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
        System.setProperty("org.slf4j.simpleLogger.dateTimeFormat", "HH:mm:ss.SSS");
        LUCENE.setLevel(java.util.logging.Level.SEVERE);
        String id = null;
        Path cluster = null, data = null, models = null;
        Long parent = null;
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--id" -> id = args[++i];
                    case "--cluster" -> cluster = Path.of(args[++i]);
                    case "--data-dir" -> data = Path.of(args[++i]);
                    case "--models-dir" -> models = Path.of(args[++i]);
                    case "--parent-pid" -> parent = Long.parseLong(args[++i]);
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
            }
            if (id == null || cluster == null || data == null) {
                throw new IllegalArgumentException("--id, --cluster and --data-dir are required");
            }
        } catch (RuntimeException e) {
            System.err.println("node: " + e.getMessage());
            System.err.println(
                    "usage: node --id ID --cluster FILE --data-dir DIR [--models-dir DIR] [--parent-pid PID]");
            System.exit(2);
            return;
        }
        Node node;
        try {
            ClusterSpec spec = ClusterSpec.read(cluster);
            Files.createDirectories(data);
            if (models != null && !Files.exists(data.resolve("models"))) {
                Files.createDirectories(models);
                Files.createSymbolicLink(data.resolve("models"), models.toAbsolutePath());
            }
            node = Node.start(spec, id, data, ClusterSecret.read(cluster));
        } catch (Exception e) {
            // Ratis and gRPC leave non-daemon threads behind a failed start: exit explicitly.
            System.err.println("node " + id + ": " + e.getMessage());
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            node.close();
                            stopped.countDown();
                        },
                        id + "-shutdown"));
        if (parent != null) {
            long pid = parent;
            ProcessHandle.of(pid)
                    .ifPresentOrElse(
                            p -> p.onExit().thenRun(() -> {
                                System.err.println(
                                        "node " + node.id() + ": parent process " + pid + " exited; stopping");
                                System.exit(0);
                            }),
                            () -> System.exit(0));
        }
        System.out.println("node " + id + " ready");
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
