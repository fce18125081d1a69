package dev.missioncontrol.app.supervisor;

import dev.missioncontrol.cluster.config.ClusterSpec;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one OS process per node of a local cluster: starts them, captures their output (to the listener, to a bounded
 * tail and to each node's log file), detects exits with their code, and kills, stops or restarts a node on request.
 * Every node is started with this process as its parent, so if the console dies the nodes notice and exit.
 *
 * <p>Thread-safe. Listener calls arrive on the supervisor's output and exit threads, never on the FX thread.
 */
public final class Supervisor implements NodeControl {
    private static final Logger LOG = LoggerFactory.getLogger(Supervisor.class);
    private static final int TAIL_LINES = 40;

    /** Receives node output and process changes. */
    public interface Listener {
        void onOutput(String node, String line);

        void onProcess(NodeProcess process);
    }

    private final ClusterFiles files;
    private final ClusterSpec spec;
    private final Path models;
    private final Listener listener;
    private final Map<String, Slot> slots = new LinkedHashMap<>();
    private volatile boolean closing;

    private static final class Slot {
        Process process;
        NodeProcess.State state = NodeProcess.State.NEW;
        NodeProcess.State requested;
        Integer exitCode;
        long startedAt;
        final ArrayDeque<String> tail = new ArrayDeque<>();
    }

    public Supervisor(ClusterFiles files, ClusterSpec spec, Path models, Listener listener) {
        this.files = files;
        this.spec = spec;
        this.models = models;
        this.listener = listener;
        spec.nodes().forEach(n -> slots.put(n.id(), new Slot()));
    }

    public ClusterSpec spec() {
        return spec;
    }

    public ClusterFiles files() {
        return files;
    }

    /** Starts every node that is not running. */
    public void startAll() throws IOException {
        for (String id : slots.keySet()) {
            start(id);
        }
        writePids();
    }

    /** Starts a node's process if it is not running. */
    public synchronized void start(String id) throws IOException {
        Slot slot = slot(id);
        if (slot.process != null && slot.process.isAlive()) {
            return;
        }
        Files.createDirectories(files.log(id).getParent());
        Process p = new ProcessBuilder(NodeCommand.atLowerPriority(NodeCommand.build(
                        files, id, models, ProcessHandle.current().pid())))
                .redirectErrorStream(true)
                .start();
        slot.process = p;
        slot.state = NodeProcess.State.RUNNING;
        slot.requested = null;
        slot.exitCode = null;
        slot.startedAt = System.currentTimeMillis();
        synchronized (slot.tail) {
            slot.tail.clear();
        }
        LOG.info("started node {} (pid {})", id, p.pid());
        Thread reader = new Thread(() -> pump(id, slot, p), id + "-output");
        reader.setDaemon(true);
        reader.start();
        p.onExit().thenAccept(done -> exited(id, slot, done));
        writePids();
        listener.onProcess(snapshot(id, slot));
    }

    @Override
    public boolean supervised() {
        return true;
    }

    /** SIGKILL: the node gets no chance to clean up, as in a crash. */
    @Override
    public synchronized void kill(String id) {
        Slot slot = slot(id);
        if (slot.process != null && slot.process.isAlive()) {
            slot.requested = NodeProcess.State.KILLED;
            slot.process.destroyForcibly();
        }
    }

    /** A polite stop (SIGTERM); SIGKILL if the node has not ended after 10 s. */
    @Override
    public void stop(String id) {
        Process p;
        synchronized (this) {
            Slot slot = slot(id);
            p = slot.process;
            if (p == null || !p.isAlive()) {
                return;
            }
            slot.requested = NodeProcess.State.STOPPED;
            p.destroy();
        }
        try {
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** Stops the node if it runs, then starts it again with the same data directory. */
    @Override
    public void restart(String id) throws IOException {
        stop(id);
        Process p = slot(id).process;
        if (p != null) {
            try {
                p.onExit().get(15, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IOException("Node " + id + " did not stop within 15 s (pid " + p.pid() + ")", e);
            }
        }
        start(id);
        writePids();
    }

    /** The current state of every node's process, in cluster order. */
    public synchronized List<NodeProcess> processes() {
        List<NodeProcess> out = new ArrayList<>();
        slots.forEach((id, slot) -> out.add(snapshot(id, slot)));
        return out;
    }

    public synchronized NodeProcess process(String id) {
        return snapshot(id, slot(id));
    }

    /** Stops every node: SIGTERM to all at once, then SIGKILL to any still running after 10 s. */
    @Override
    public void close() {
        closing = true;
        List<Process> running = new ArrayList<>();
        synchronized (this) {
            for (Slot slot : slots.values()) {
                if (slot.process != null && slot.process.isAlive()) {
                    slot.requested = NodeProcess.State.STOPPED;
                    slot.process.destroy();
                    running.add(slot.process);
                }
            }
        }
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (Process p : running) {
            try {
                if (!p.waitFor(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        files.writePids(Map.of());
    }

    private void pump(String id, Slot slot, Process p) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                BufferedWriter log = Files.newBufferedWriter(
                        files.log(id), StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
            String line;
            while ((line = in.readLine()) != null) {
                log.write(line);
                log.newLine();
                log.flush();
                synchronized (slot.tail) {
                    if (slot.tail.size() == TAIL_LINES) {
                        slot.tail.removeFirst();
                    }
                    slot.tail.addLast(line);
                }
                listener.onOutput(id, line);
            }
        } catch (IOException e) {
            // The pipe closes when the process ends; anything else is reported in the node's output.
            if (p.isAlive()) {
                listener.onOutput(id, "[console] lost the output of node " + id + ": " + e.getMessage());
            }
        }
    }

    private void exited(String id, Slot slot, Process done) {
        NodeProcess snapshot;
        synchronized (this) {
            if (slot.process != done) {
                return; // an older process of a node that has been restarted since
            }
            slot.exitCode = done.exitValue();
            slot.state = slot.requested != null ? slot.requested : NodeProcess.State.EXITED;
            snapshot = snapshot(id, slot);
        }
        if (!closing) {
            LOG.info("node {} {}", id, snapshot.describe());
        }
        listener.onProcess(snapshot);
    }

    private Slot slot(String id) {
        Slot slot = slots.get(id);
        if (slot == null) {
            throw new IllegalArgumentException("No node " + id + " in this cluster; nodes: " + slots.keySet());
        }
        return slot;
    }

    private NodeProcess snapshot(String id, Slot slot) {
        List<String> tail;
        synchronized (slot.tail) {
            tail = List.copyOf(slot.tail);
        }
        return new NodeProcess(
                id, slot.state, slot.process == null ? -1 : slot.process.pid(), slot.exitCode, slot.startedAt, tail);
    }

    private synchronized void writePids() {
        Map<String, Long> pids = new LinkedHashMap<>();
        slots.forEach((id, slot) -> {
            if (slot.process != null && slot.process.isAlive()) {
                pids.put(id, slot.process.pid());
            }
        });
        files.writePids(pids);
    }
}
