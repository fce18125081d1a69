package dev.missioncontrol.cluster.supervisor;

import dev.missioncontrol.cluster.client.ClusterClient;
import dev.missioncontrol.cluster.config.ClusterSpec;
import dev.missioncontrol.cluster.node.NodeMain;
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
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one supervisor of node JVMs on this machine, for the console, {@code cluster up|down}, the CLI's node actions,
 * the benches and the tests: starts a node's process with {@link NodeCommand}, watches it exit with its code, and
 * kills (SIGKILL), stops (SIGTERM, then SIGKILL), restarts, pauses (SIGSTOP) and resumes (SIGCONT) it.
 *
 * <ul>
 *   <li>{@link #owned}: the nodes end with this process (they are given its pid and watch it); their output goes to
 *       the listener, a bounded tail and each node's log file. The console, the benches and the tests.
 *   <li>{@link #detached}: the nodes outlive this process ({@code cluster up}); their output goes to the log files,
 *       their pids to the cluster's pid file, and a later command adopts them from it to act on them.
 * </ul>
 *
 * <p>Thread-safe. Listener calls arrive on the supervisor's output and exit threads, never on the FX thread.
 */
public final class Supervisor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Supervisor.class);
    private static final int TAIL_LINES = 40;
    private static final long STOP_GRACE_SECONDS = 10;
    /** More time to stop for a node that writes its class archive as it exits ({@link NodeCommand#classArchive}). */
    private static final long ARCHIVE_GRACE_SECONDS = 30;

    /** Receives node output and process changes. */
    public interface Listener {
        default void onOutput(String node, String line) {}

        default void onProcess(NodeProcess process) {}
    }

    private final ClusterFiles files;
    private final ClusterSpec spec;
    private final Path models;
    private final boolean owned;
    private final List<String> jvmOptions;
    private final Listener listener;
    private final Map<String, Slot> slots = new LinkedHashMap<>();
    private volatile boolean closing;

    private static final class Slot {
        ProcessHandle handle;
        Process process; // null for a process adopted from the pid file
        NodeProcess.State state = NodeProcess.State.NEW;
        NodeProcess.State requested;
        Integer exitCode;
        long startedAt;
        final ArrayDeque<String> tail = new ArrayDeque<>();
    }

    private Supervisor(
            ClusterFiles files,
            ClusterSpec spec,
            Path models,
            boolean owned,
            List<String> jvmOptions,
            Listener listener) {
        this.files = files;
        this.spec = spec;
        this.models = models;
        this.owned = owned;
        this.jvmOptions = List.copyOf(jvmOptions);
        this.listener = listener;
        spec.nodes().forEach(n -> slots.put(n.id(), new Slot()));
    }

    /**
     * Nodes that end with this process.
     *
     * @param jvmOptions more JVM options for every node (a test's small log segments); usually none
     */
    public static Supervisor owned(
            ClusterFiles files, ClusterSpec spec, Path models, List<String> jvmOptions, Listener listener) {
        return new Supervisor(files, spec, models, true, jvmOptions, listener);
    }

    /**
     * Nodes that outlive this process. Those already running from an earlier command (the cluster's pid file names
     * them, and their command line is a node's) are adopted, frozen ones as {@link NodeProcess.State#PAUSED}.
     */
    public static Supervisor detached(ClusterFiles files, ClusterSpec spec, Path models) {
        return detached(files, spec, models, new Listener() {});
    }

    /** As {@link #detached(ClusterFiles, ClusterSpec, Path)}, telling a listener about process changes. */
    public static Supervisor detached(ClusterFiles files, ClusterSpec spec, Path models, Listener listener) {
        Supervisor s = new Supervisor(files, spec, models, false, List.of(), listener);
        Map<String, Long> pids = files.pids();
        for (var e : s.slots.entrySet()) {
            Long pid = pids.get(e.getKey());
            if (pid == null) {
                continue;
            }
            ProcessHandle.of(pid).filter(ClusterFiles::isNode).ifPresent(h -> {
                Slot slot = e.getValue();
                slot.handle = h;
                slot.state = ProcessSignals.isPaused(pid) ? NodeProcess.State.PAUSED : NodeProcess.State.RUNNING;
                slot.startedAt =
                        h.info().startInstant().map(i -> i.toEpochMilli()).orElse(0L);
                watchExit(s, e.getKey(), slot, h);
            });
            if (e.getValue().handle == null) {
                e.getValue().state = NodeProcess.State.EXITED;
            }
        }
        return s;
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
    }

    /** Starts a node's process if it is not running. */
    public synchronized void start(String id) throws IOException {
        Slot slot = slot(id);
        if (slot.handle != null && slot.handle.isAlive()) {
            return;
        }
        Files.createDirectories(files.log(id).getParent());
        List<String> cmd = NodeCommand.build(
                files.clusterFile(),
                files.nodeDir(id),
                id,
                models,
                jvmOptions,
                owned ? ProcessHandle.current().pid() : null);
        ProcessBuilder pb =
                new ProcessBuilder(owned ? NodeCommand.atLowerPriority(cmd) : cmd).redirectErrorStream(true);
        // Each start begins with the command that made it, so a log that spans restarts says where each one begins.
        Files.writeString(
                files.log(id),
                "$ " + String.join(" ", pb.command()) + "\n",
                StandardCharsets.UTF_8,
                StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
        if (!owned) {
            pb.redirectOutput(ProcessBuilder.Redirect.appendTo(files.log(id).toFile()));
        }
        Process p = pb.start();
        slot.process = p;
        slot.handle = p.toHandle();
        slot.state = NodeProcess.State.RUNNING;
        slot.requested = null;
        slot.exitCode = null;
        slot.startedAt = System.currentTimeMillis();
        synchronized (slot.tail) {
            slot.tail.clear();
        }
        LOG.info("started node {} (pid {})", id, p.pid());
        if (owned) {
            Thread reader = new Thread(() -> pump(id, slot, p), id + "-output");
            reader.setDaemon(true);
            reader.start();
        }
        watchExit(this, id, slot, slot.handle);
        writePids();
        listener.onProcess(snapshot(id, slot));
    }

    private static void watchExit(Supervisor s, String id, Slot slot, ProcessHandle h) {
        h.onExit().thenAccept(done -> s.exited(id, slot, done));
    }

    /** SIGKILL: the node gets no chance to clean up, as in a crash. Returns once the process is gone (≤ 10 s). */
    public void kill(String id) {
        ProcessHandle h = ending(id, NodeProcess.State.KILLED);
        if (h != null) {
            h.destroyForcibly();
            awaitExit(h, STOP_GRACE_SECONDS);
        }
    }

    /** A polite stop (SIGTERM, a frozen node is resumed first so it can act on it); SIGKILL after 10 s (40 s while it writes its class archive, once per jar). */
    public void stop(String id) {
        ProcessHandle h = ending(id, NodeProcess.State.STOPPED);
        if (h == null) {
            return;
        }
        resumeQuietly(h);
        h.destroy();
        if (!awaitExit(h, grace(id))) {
            h.destroyForcibly();
            awaitExit(h, STOP_GRACE_SECONDS);
        }
    }

    /** A node's running process, marked as ended on purpose (so its exit is not taken for a crash); null if none. */
    private synchronized ProcessHandle ending(String id, NodeProcess.State requested) {
        Slot slot = slot(id);
        ProcessHandle h = slot.handle;
        if (h == null || !h.isAlive()) {
            return null;
        }
        slot.requested = requested;
        return h;
    }

    /** Stops the node if it runs, then starts it again with the same data directory. */
    public void restart(String id) throws IOException {
        stop(id);
        ProcessHandle h = slot(id).handle;
        if (h != null && h.isAlive()) {
            throw new IOException(
                    "Node " + id + " did not stop within " + 2 * STOP_GRACE_SECONDS + " s (pid " + h.pid() + ")");
        }
        start(id);
    }

    /**
     * Freezes a running node with SIGSTOP, as a long GC pause would: it keeps its sockets and memory and answers
     * nothing. Returns once the operating system reports it stopped.
     *
     * @throws IllegalStateException when the node is not running (down, or already paused)
     */
    public void pause(String id) throws IOException {
        ProcessHandle h;
        synchronized (this) {
            Slot slot = slot(id);
            h = running(id, slot, "; only a running node can be paused.");
            if (slot.state == NodeProcess.State.PAUSED) {
                throw new IllegalStateException(id + " is already paused.");
            }
            ProcessSignals.pause(h.pid());
            awaitOsState(h.pid(), true);
            slot.state = NodeProcess.State.PAUSED;
        }
        listener.onProcess(process(id));
    }

    /** Lets a frozen node run again (SIGCONT). Returns once the operating system reports it running. */
    public void resume(String id) throws IOException {
        ProcessHandle h;
        synchronized (this) {
            Slot slot = slot(id);
            h = running(id, slot, ".");
            ProcessSignals.resume(h.pid());
            awaitOsState(h.pid(), false);
            slot.state = NodeProcess.State.RUNNING;
        }
        listener.onProcess(process(id));
    }

    private ProcessHandle running(String id, Slot slot, String advice) {
        ProcessHandle h = slot.handle;
        if (h == null || !h.isAlive()) {
            throw new IllegalStateException(
                    id + " is not running (" + snapshot(id, slot).describe() + ")" + advice);
        }
        return h;
    }

    private static void awaitOsState(long pid, boolean paused) throws IOException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (ProcessSignals.isPaused(pid) != paused) {
            if (System.nanoTime() > end) {
                throw new IOException("process " + pid + " is not " + (paused ? "stopped" : "running") + " 5 s after"
                        + " SIG" + (paused ? "STOP" : "CONT"));
            }
            LockSupport.parkNanos(5_000_000);
        }
    }

    private static void resumeQuietly(ProcessHandle h) {
        if (ProcessSignals.isPaused(h.pid())) {
            try {
                ProcessSignals.resume(h.pid());
            } catch (IOException e) {
                LOG.warn("could not resume process {} before stopping it: {}", h.pid(), e.getMessage());
            }
        }
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

    /** Why {@link #awaitReady} returned. */
    public record Readiness(boolean ready, String problem) {}

    /**
     * Waits until every node answers and one leads. Stops early when a node process ends (a failed start): the
     * problem then names the node and its log's last lines.
     */
    public Readiness awaitReady(ClusterClient client, long timeoutMillis) {
        if (client.awaitReady(timeoutMillis, () -> ended() != null)) {
            return new Readiness(true, "");
        }
        NodeProcess p = ended();
        if (p != null) {
            return new Readiness(
                    false,
                    "node " + p.node() + " " + p.describe() + " during start; its log " + files.log(p.node())
                            + " ends with:\n" + String.join("\n", ClusterFiles.tail(files.log(p.node()), 8)));
        }
        return new Readiness(
                false, "no leader within " + timeoutMillis / 1000 + " s; node logs are in " + files.logs());
    }

    /** A node whose process was started and has ended, or null. */
    private NodeProcess ended() {
        return processes().stream()
                .filter(p -> p.state() != NodeProcess.State.NEW && !p.alive())
                .findFirst()
                .orElse(null);
    }

    /**
     * Stops every node this supervisor knows (a frozen one is resumed first): SIGTERM to all at once, then SIGKILL to
     * any still running after 10 s (40 s when one writes its class archive, once per jar). Returns how many were running.
     */
    public int stopAll() {
        List<ProcessHandle> running = new ArrayList<>();
        long graceSeconds = STOP_GRACE_SECONDS;
        synchronized (this) {
            for (var e : slots.entrySet()) {
                Slot slot = e.getValue();
                if (slot.handle != null && slot.handle.isAlive()) {
                    graceSeconds = Math.max(graceSeconds, grace(e.getKey()));
                    slot.requested = NodeProcess.State.STOPPED;
                    resumeQuietly(slot.handle);
                    slot.handle.destroy();
                    running.add(slot.handle);
                }
            }
        }
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(graceSeconds);
        for (ProcessHandle h : running) {
            if (!awaitExit(h, Math.max(0, TimeUnit.NANOSECONDS.toSeconds(end - System.nanoTime())))) {
                h.destroyForcibly();
                awaitExit(h, 5);
            }
        }
        files.writePids(Map.of());
        return running.size();
    }

    /** Owned nodes are stopped; detached ones keep running. */
    @Override
    public void close() {
        closing = true;
        if (owned) {
            stopAll();
        }
    }

    /** How long a polite stop may take before SIGKILL. */
    private long grace(String id) {
        return NodeCommand.writesClassArchive(files.nodeDir(id))
                ? STOP_GRACE_SECONDS + ARCHIVE_GRACE_SECONDS
                : STOP_GRACE_SECONDS;
    }

    private static boolean awaitExit(ProcessHandle h, long seconds) {
        try {
            h.onExit().get(seconds, TimeUnit.SECONDS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !h.isAlive();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            return !h.isAlive();
        }
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
                listener.onOutput(id, "[supervisor] lost the output of node " + id + ": " + e.getMessage());
            }
        }
    }

    private void exited(String id, Slot slot, ProcessHandle done) {
        NodeProcess snapshot;
        synchronized (this) {
            if (slot.handle != done) {
                return; // an older process of a node that has been restarted since
            }
            if (slot.process != null) {
                slot.exitCode = slot.process.exitValue();
            }
            slot.state = slot.requested != null ? slot.requested : NodeProcess.State.EXITED;
            snapshot = snapshot(id, slot);
            writePids();
        }
        if (!closing) {
            LOG.info("node {} {}", id, snapshot.describe());
        }
        listener.onProcess(snapshot);
    }

    private Slot slot(String id) {
        Slot slot = slots.get(id);
        if (slot == null) {
            throw new IllegalArgumentException("No node '" + id + "' in this cluster; it lists " + slots.keySet());
        }
        return slot;
    }

    private NodeProcess snapshot(String id, Slot slot) {
        List<String> tail;
        synchronized (slot.tail) {
            tail = List.copyOf(slot.tail);
        }
        if (!owned && tail.isEmpty() && !slot.state.equals(NodeProcess.State.RUNNING)) {
            tail = ClusterFiles.tail(files.log(id), 8);
        }
        return new NodeProcess(
                id, slot.state, slot.handle == null ? -1 : slot.handle.pid(), slot.exitCode, slot.startedAt, tail);
    }

    private synchronized void writePids() {
        Map<String, Long> pids = new LinkedHashMap<>();
        slots.forEach((id, slot) -> {
            if (slot.handle != null && slot.handle.isAlive()) {
                pids.put(id, slot.handle.pid());
            }
        });
        files.writePids(pids);
    }

    /** Whether the command line of a process is a node's (for processes found by pid). */
    static boolean isNodeCommand(String commandLine) {
        return commandLine.contains(NodeMain.class.getName());
    }
}
