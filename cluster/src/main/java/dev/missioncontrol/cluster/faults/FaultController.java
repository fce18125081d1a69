package dev.missioncontrol.cluster.faults;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.missioncontrol.cluster.client.ClusterClient;
import dev.missioncontrol.cluster.config.ClusterSpec;
import dev.missioncontrol.cluster.node.NodeFaults;
import dev.missioncontrol.cluster.proto.ClearFaultRequest;
import dev.missioncontrol.cluster.proto.FaultRule;
import dev.missioncontrol.cluster.proto.NodeStatus;
import dev.missioncontrol.cluster.proto.PeerTraffic;
import dev.missioncontrol.cluster.proto.QueryRecord;
import dev.missioncontrol.cluster.proto.Role;
import dev.missioncontrol.cluster.supervisor.NodeProcess;
import dev.missioncontrol.cluster.supervisor.NodeRepair;
import dev.missioncontrol.cluster.supervisor.ProcessSignals;
import dev.missioncontrol.cluster.supervisor.Supervisor;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place faults are injected, confirmed, cleared and healed, for the console, the CLI and the drills. Process
 * faults (kill, pause) go through the {@link Supervisor}; network and timing faults are rules set inside the nodes
 * through their fault-control RPC, on both ends of every link they touch. Every injection is checked first (a fault
 * that cannot compose with what the node is in, an unknown node, a parameter out of range is refused with the reason),
 * written to the {@link AuditJournal} before it is applied, and then watched until the cluster is seen to react
 * ({@link Evidence}), or until it is not in time (failed). Clearing a fault undoes it and watches until every node is
 * back in sync.
 *
 * <p>Every node action (restart, resume, stop, rebuild) goes through here too, so the journal holds everything done to
 * the cluster. Thread-safe; the blocking calls ({@link #inject}, {@link #clear}, {@link #healAll} and the node actions)
 * must not run on a UI thread. Confirmation and recovery are watched on this controller's own thread.
 */
public final class FaultController implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FaultController.class);
    /** How long a fault may take to show its effect before it is called failed. */
    public static final long CONFIRM_TIMEOUT_MILLIS = 30_000;
    /** How long the cluster may take to be back in sync after a fault is healed. */
    public static final long RECOVER_TIMEOUT_MILLIS = 180_000;

    private static final long POLL_MILLIS = 150;
    /** Status calls of the watcher give up sooner than others: a frozen node must not slow the watch. */
    private static final long STATUS_DEADLINE_MILLIS = 400;

    private static final long CHECK_DEADLINE_MILLIS = 2_000;
    /** What a slow-node fault is confirmed with when nobody asks anything: a question every node answers fast. */
    static final String PROBE_QUESTION = "What is the nominal main bus voltage?";

    private final ClusterClient client;
    private final ClusterSpec spec;
    private final Supervisor supervisor;
    private final AuditJournal journal;
    private final Actor actor;
    private final ScheduledExecutorService watcher = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "fault-watch");
        t.setDaemon(true);
        return t;
    });
    private final List<Consumer<FaultRecord>> listeners = new CopyOnWriteArrayList<>();
    private final Map<String, CompletableFuture<FaultRecord>> confirmations = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<FaultRecord>> recoveries = new ConcurrentHashMap<>();

    /**
     * @param client a client of the cluster; with the cluster's secret it may set faults inside nodes
     * @param supervisor the supervisor of the nodes' processes, or null when they run where this process cannot act on
     *     them (kill, pause and restart are then refused)
     */
    public FaultController(ClusterClient client, Supervisor supervisor, AuditJournal journal, Actor actor) {
        this.client = client;
        this.spec = client.spec();
        this.supervisor = supervisor;
        this.journal = journal;
        this.actor = actor;
    }

    public ClusterSpec spec() {
        return spec;
    }

    public AuditJournal journal() {
        return journal;
    }

    /** Whether this controller may set faults inside nodes (it holds the cluster's secret). */
    public boolean controlsNodes() {
        return client.controls();
    }

    /** Whether it can act on the nodes' processes (kill, pause, restart). */
    public boolean supervises() {
        return supervisor != null;
    }

    /** Called with every fault whose state changed, on the thread that changed it. */
    public void addListener(Consumer<FaultRecord> listener) {
        listeners.add(listener);
    }

    /** Every fault of this cluster, oldest first, as the journal tells it. */
    public List<FaultRecord> faults() {
        return journal.faults(spec.group());
    }

    /** The faults in effect. */
    public List<FaultRecord> active() {
        return faults().stream().filter(FaultRecord::active).toList();
    }

    public Optional<FaultRecord> find(String id) {
        return faults().stream().filter(r -> r.id().equals(id)).findFirst();
    }

    /** What the cluster can take now, from the nodes' last status (by id) and the faults in effect. */
    public Tolerance tolerance(Map<String, NodeStatus> status) {
        return Tolerance.of(spec, status, paused(), active());
    }

    // ---- injecting ----

    /**
     * Injects a fault: checks it, records it, applies it, and starts watching for its confirmation
     * ({@link #confirmation}).
     *
     * @throws FaultException saying why it was refused or could not be applied (then nothing of it stays in effect)
     */
    public FaultRecord inject(Fault fault) {
        String problem = refusal(fault);
        if (problem != null) {
            ObjectNode e = event("refuse");
            e.set("fault", AuditJournal.json("", fault));
            e.put("detail", problem);
            journal.append(e);
            throw new FaultException(problem);
        }
        Evidence.Observation before = observe(CHECK_DEADLINE_MILLIS);
        String id = journal.appendInjection(spec.group(), actor, fault, System.currentTimeMillis());
        try {
            apply(id, fault);
        } catch (IOException | RuntimeException e) {
            String why = "could not inject " + fault.describe() + ": " + message(e);
            undoQuietly(id, fault);
            record("fail", id, why + "; what was set has been undone");
            notify(id);
            throw new FaultException(why, e);
        }
        LOG.info("injected {} {}", id, fault.describe());
        notify(id);
        CompletableFuture<FaultRecord> confirmed = new CompletableFuture<>();
        confirmations.put(id, confirmed);
        long timeout = fault instanceof Fault.SlowNode slow
                ? Math.max(CONFIRM_TIMEOUT_MILLIS, slow.delayMillis() + spec.deadlineMillis() + 15_000)
                : CONFIRM_TIMEOUT_MILLIS;
        Supplier<Optional<String>> check = fault instanceof Fault.SlowNode slow
                ? slowNodeCheck(id, slow)
                : () -> confirmation(fault, before, observe());
        watch(
                timeout,
                check,
                seen -> {
                    record("confirm", id, seen);
                    LOG.info("confirmed {}: {}", id, seen);
                    complete(confirmed, id);
                },
                last -> {
                    record(
                            "fail",
                            id,
                            "not seen to take effect within " + timeout / 1000 + " s (last seen: " + last
                                    + "); still in effect until cleared or healed");
                    complete(confirmed, id);
                });
        return find(id).orElseThrow();
    }

    /** Completes once the fault is confirmed or has failed to be, with its record then. */
    public CompletableFuture<FaultRecord> confirmation(String id) {
        CompletableFuture<FaultRecord> f = confirmations.get(id);
        if (f != null) {
            return f;
        }
        return CompletableFuture.completedFuture(
                find(id).orElseThrow(() -> new FaultException("There is no fault " + id + " in this cluster.")));
    }

    private Optional<String> confirmation(Fault fault, Evidence.Observation before, Evidence.Observation now) {
        return switch (fault) {
            case Fault.Kill k -> Evidence.killed(spec, k.nodes(), now);
            case Fault.Pause p -> Evidence.paused(spec, p.nodes(), now);
            case Fault.Partition p -> Evidence.partitioned(spec, p.nodes(), otherSide(spec, p), now);
            case Fault.SlowLink s -> Evidence.slowed(spec, s.nodes(), s.delayMillis(), before, now);
            case Fault.SlowNode s -> Optional.empty(); // confirmed by an answer, not by status
        };
    }

    /**
     * A slow node shows itself in its next answer: a question is asked (the probe, marked as one in the history) and
     * the fault is confirmed when each node's answer to it came at least most of the delay late (counted by the vote,
     * or logged after the decision and kept as late).
     */
    private Supplier<Optional<String>> slowNodeCheck(String id, Fault.SlowNode slow) {
        CompletableFuture<QueryRecord> probe =
                client.track(PROBE_QUESTION, "fault probe " + id).decided();
        return () -> {
            if (!probe.isDone() || probe.isCompletedExceptionally()) {
                return Optional.empty();
            }
            String qid = probe.join().getQuery().getId();
            for (var n : spec.nodes()) {
                try {
                    for (QueryRecord r : client.history(n.id(), 20)) {
                        if (r.getQuery().getId().equals(qid)) {
                            return lateEnough(r, slow);
                        }
                    }
                } catch (RuntimeException unreachable) {
                    // ask the next node
                }
            }
            return Optional.empty();
        };
    }

    private static Optional<String> lateEnough(QueryRecord r, Fault.SlowNode slow) {
        List<String> seen = new ArrayList<>();
        for (String n : slow.nodes()) {
            var answer = java.util.stream.Stream.concat(r.getAnswersList().stream(), r.getLateAnswersList().stream())
                    .filter(a -> a.getNodeId().equals(n))
                    .findFirst();
            if (answer.isEmpty() || answer.get().getLatencyMillis() < 0.9 * slow.delayMillis()) {
                return Optional.empty();
            }
            boolean late = r.getLateAnswersList().contains(answer.get());
            seen.add(String.format(
                    java.util.Locale.ROOT,
                    "%s answered probe %s after %.0f ms%s",
                    n,
                    r.getQuery().getId(),
                    answer.get().getLatencyMillis(),
                    late ? ", after the decision (" + r.getDecision().getStatus() + " without it)" : ""));
        }
        return Optional.of(String.join("; ", seen));
    }

    // ---- clearing and healing ----

    /**
     * Clears one fault: undoes it (restarts what it killed, resumes what it froze, removes its rules from the nodes)
     * and starts watching for the cluster to be back in sync ({@link #recovery}).
     *
     * @throws FaultException for an unknown id or one already healed, or when undoing it failed
     */
    public FaultRecord clear(String id) {
        FaultRecord r = find(id).orElseThrow(() -> new FaultException(
                "There is no fault " + id + " in this cluster;" + " list them with: ./mission-control fault list"));
        if (!r.active()) {
            throw new FaultException(id + " (" + r.fault().describe() + ") is already healed.");
        }
        record("clear", id, "cleared by " + actor.describe());
        List<String> problems = undo(id, r.fault());
        notify(id);
        watchRecovery(List.of(r), observe().commitIndex());
        if (!problems.isEmpty()) {
            throw new FaultException("cleared " + id + ", but " + String.join("; ", problems));
        }
        return find(id).orElseThrow();
    }

    /** Completes once the cluster is back in sync after a fault was healed (or could not be in time). */
    public CompletableFuture<FaultRecord> recovery(String id) {
        CompletableFuture<FaultRecord> f = recoveries.get(id);
        return f != null ? f : CompletableFuture.completedFuture(find(id).orElseThrow());
    }

    /** What {@link #healAll} did and saw. */
    public record HealReport(
            List<String> healed, boolean inSync, long millis, String observed, List<String> problems) {}

    /**
     * Heal all: clears every fault — rules inside every node (also ones this journal does not know), paused processes
     * resumed, dead ones started again — and returns once every node is back in sync, or the wait ran out.
     *
     * @param why for the journal ("heal all", "the console closed")
     */
    public HealReport healAll(String why) {
        return healAll(why, true);
    }

    /**
     * As {@link #healAll(String)}; without {@code awaitSync} it returns once every fault is cleared (a console about to
     * stop its nodes does not wait for them to catch up).
     */
    public HealReport healAll(String why, boolean awaitSync) {
        long start = System.nanoTime();
        List<FaultRecord> active = active();
        for (FaultRecord r : active) {
            record("heal", r.id(), why);
        }
        List<String> problems = new ArrayList<>();
        Evidence.Observation o = observe();
        for (var n : spec.nodes()) {
            boolean frozen = o.paused().contains(n.id());
            if (supervisor != null && frozen) {
                try {
                    supervisor.resume(n.id());
                } catch (IOException | RuntimeException e) {
                    problems.add("could not resume " + n.id() + ": " + message(e));
                }
            }
            if (supervisor != null && o.gone().contains(n.id())) {
                try {
                    NodeFaults.save(nodeDir(n.id()), n.id(), spec.group().toString(), List.of());
                    supervisor.start(n.id());
                } catch (IOException | RuntimeException e) {
                    problems.add("could not start " + n.id() + ": " + message(e));
                }
            } else if (client.controls() && (o.reachable(n.id()) || frozen)) {
                try {
                    client.control(n.id())
                            .clear(ClearFaultRequest.newBuilder().setAll(true).build());
                } catch (StatusRuntimeException e) {
                    problems.add("could not clear the rules inside " + n.id() + ": " + message(e));
                }
            }
        }
        active.forEach(r -> notify(r.id()));
        Evidence.Observation now = observe();
        long target = now.commitIndex();
        Optional<String> synced = awaitSync ? awaitSync(target, RECOVER_TIMEOUT_MILLIS) : Optional.<String>empty();
        for (FaultRecord r : active) {
            synced.ifPresent(seen -> record("recover", r.id(), seen));
            notify(r.id());
        }
        ObjectNode e = event("heal-all");
        e.put("detail", why);
        e.put("outcome", synced.isPresent() ? "in sync" : "not in sync");
        ArrayNode ids = e.putArray("faults");
        active.forEach(r -> ids.add(r.id()));
        journal.append(e);
        long millis = (System.nanoTime() - start) / 1_000_000;
        return new HealReport(
                active.stream().map(FaultRecord::id).toList(),
                synced.isPresent(),
                millis,
                synced.orElseGet(() -> awaitSync
                        ? "not every node was back in sync within " + RECOVER_TIMEOUT_MILLIS / 1000 + " s: "
                                + summary(observe())
                        : "cleared, without waiting for the nodes to catch up"),
                problems);
    }

    /**
     * At a console's start: heals the faults left in effect by a console that is no longer running (it was killed
     * before it could heal them). Faults injected by a CLI, or by a console still running, are left alone.
     *
     * @return the ids healed
     */
    public List<String> healLeftovers() {
        List<FaultRecord> healed = new ArrayList<>();
        for (FaultRecord r : active()) {
            Actor by = r.by();
            boolean gone = by.tool().equals("console")
                    && by.host().equals(actor.host())
                    && ProcessHandle.of(by.pid()).map(p -> !p.isAlive()).orElse(true);
            if (gone && by.pid() != actor.pid()) {
                record("heal", r.id(), "left in effect by a console (pid " + by.pid() + ") that is no longer running");
                undo(r.id(), r.fault());
                healed.add(r);
                notify(r.id());
            }
        }
        if (!healed.isEmpty()) {
            watchRecovery(healed, observe().commitIndex());
        }
        return healed.stream().map(FaultRecord::id).toList();
    }

    // ---- node actions ----

    /** Starts a node that is down (or stops and starts one that runs), with the network faults in effect for it. */
    public void restart(String node) throws IOException {
        spec.node(node);
        requireSupervisor(node, "restart");
        Optional<FaultRecord> kill = activeOn(node, Fault.Kill.class);
        if (kill.isPresent() && kill.get().fault().nodes().size() == 1) {
            clear(kill.get().id());
            return;
        }
        action("restart", node, () -> {
            NodeFaults.save(nodeDir(node), node, spec.group().toString(), desiredRules(node));
            supervisor.restart(node);
        });
    }

    /** Lets a frozen node run again. */
    public void resume(String node) throws IOException {
        spec.node(node);
        requireSupervisor(node, "resume");
        Optional<FaultRecord> pause = activeOn(node, Fault.Pause.class);
        if (pause.isPresent() && pause.get().fault().nodes().size() == 1) {
            clear(pause.get().id());
            return;
        }
        action("resume", node, () -> supervisor.resume(node));
    }

    /** Stops a node politely (on purpose: it is shown as stopped, not as a fault). */
    public void stop(String node) throws IOException {
        spec.node(node);
        requireSupervisor(node, "stop");
        action("stop", node, () -> supervisor.stop(node));
    }

    /**
     * Brings back a node whose Raft data is damaged ({@link NodeRepair}): its directory is kept aside, the node starts
     * empty and the leader copies it the log.
     *
     * @return where the damaged directory went, or null
     */
    public Path rebuild(String node) throws IOException {
        spec.node(node);
        requireSupervisor(node, "rebuild");
        if (supervisor.process(node).alive()) {
            throw new FaultException(node + " is running. Rebuilding is for a node that refuses to start because its"
                    + " Raft data is damaged; stop it first if that is the case.");
        }
        Path[] aside = new Path[1];
        action(
                "rebuild",
                node,
                () -> aside[0] = NodeRepair.rejoin(
                        supervisor.files(),
                        spec,
                        node,
                        client::leaveGroup,
                        client::addBack,
                        () -> supervisor.start(node)));
        return aside[0];
    }

    private interface Action {
        void run() throws IOException;
    }

    private void action(String what, String node, Action a) throws IOException {
        ObjectNode e = event("action");
        e.put("action", what);
        e.put("node", node);
        try {
            a.run();
            e.put("outcome", "ok");
            journal.append(e);
        } catch (IOException | RuntimeException ex) {
            e.put("outcome", "failed");
            e.put("detail", message(ex));
            journal.append(e);
            throw ex;
        }
    }

    private void requireSupervisor(String node, String what) {
        if (supervisor == null) {
            throw new FaultException("Cannot " + what + " " + node + ": its process runs where this console or"
                    + " command cannot reach it (the cluster was not started here). Do it on " + node + "'s host.");
        }
    }

    // ---- checking ----

    /** Why a fault cannot be injected now, or null. */
    String refusal(Fault fault) {
        if (fault.nodes().isEmpty()) {
            return "Name at least one node, for example: fault inject " + fault.type() + " n2";
        }
        Set<String> named = new LinkedHashSet<>();
        for (String n : fault.nodes()) {
            try {
                spec.node(n);
            } catch (IllegalArgumentException e) {
                return e.getMessage() + ".";
            }
            if (!named.add(n)) {
                return n + " is named twice.";
            }
        }
        Evidence.Observation o = observe(CHECK_DEADLINE_MILLIS);
        Map<String, String> state = new LinkedHashMap<>();
        for (var n : spec.nodes()) {
            state.put(n.id(), describeState(n.id(), o));
        }
        switch (fault) {
            case Fault.Kill k -> {
                String why = processFault("kill", k.nodes(), state, o);
                if (why != null) {
                    return why;
                }
            }
            case Fault.Pause p -> {
                String why = processFault("pause", p.nodes(), state, o);
                if (why != null) {
                    return why;
                }
            }
            case Fault.Partition p -> {
                for (String n : p.from()) {
                    try {
                        spec.node(n);
                    } catch (IllegalArgumentException e) {
                        return e.getMessage() + ".";
                    }
                    if (p.nodes().contains(n)) {
                        return n + " is on both sides of the partition.";
                    }
                }
                List<String> other = otherSide(spec, p);
                if (other.isEmpty()) {
                    return "Isolating every node from nobody cuts nothing: name fewer nodes, or the other side with"
                            + " --from.";
                }
                List<String> both = new ArrayList<>(p.nodes());
                both.addAll(other);
                String why = inNodeFault("a partition", both, state, o);
                if (why != null) {
                    return why;
                }
            }
            case Fault.SlowLink s -> {
                if (s.delayMillis() < 1 || s.delayMillis() > Fault.MAX_LINK_DELAY_MILLIS) {
                    return "--delay-ms must be between 1 and " + Fault.MAX_LINK_DELAY_MILLIS
                            + " ms for a slow link, was " + s.delayMillis() + ".";
                }
                for (String n : s.nodes()) {
                    Optional<FaultRecord> already = activeOn(n, Fault.SlowLink.class);
                    if (already.isPresent()) {
                        return n + " already has a slow link (" + already.get().id() + ", +"
                                + already.get().fault().delayMillis() + " ms): clear it first (fault clear "
                                + already.get().id() + ").";
                    }
                }
                String why = inNodeFault(
                        "a slow link",
                        spec.nodes().stream().map(ClusterSpec.NodeSpec::id).toList(),
                        state,
                        o);
                if (why != null) {
                    return why;
                }
            }
            case Fault.SlowNode s -> {
                if (s.delayMillis() < 1 || s.delayMillis() > Fault.MAX_ANSWER_DELAY_MILLIS) {
                    return "--delay-ms must be between 1 and " + Fault.MAX_ANSWER_DELAY_MILLIS + " ms for a slow node,"
                            + " was " + s.delayMillis() + ".";
                }
                for (String n : s.nodes()) {
                    Optional<FaultRecord> already = activeOn(n, Fault.SlowNode.class);
                    if (already.isPresent()) {
                        return n + " is already a slow node (" + already.get().id() + ", +"
                                + already.get().fault().delayMillis() + " ms): clear it first (fault clear "
                                + already.get().id() + ").";
                    }
                }
                String why = inNodeFault("a slow node", s.nodes(), state, o);
                if (why != null) {
                    return why;
                }
            }
        }
        return null;
    }

    private String processFault(String what, List<String> nodes, Map<String, String> state, Evidence.Observation o) {
        for (String n : nodes) {
            if (supervisor == null) {
                return "Cannot " + what + " " + n + ": its process runs where this console or command cannot reach it"
                        + " (the cluster was not started here). Faults inside nodes (partition, slow-link, slow-node)"
                        + " work from anywhere with the cluster's secret.";
            }
            if (o.gone().contains(n)) {
                return n + " is already down (" + state.get(n) + "); "
                        + (what.equals("kill") ? "there is nothing to kill." : "a pause needs a running process.")
                        + " Restart it first: ./mission-control cluster restart " + n;
            }
            if (o.paused().contains(n)) {
                return n + " is paused (" + state.get(n) + "): "
                        + (what.equals("kill") ? "resume it before killing it" : "it is already paused") + " ("
                        + activeOn(n, Fault.Pause.class)
                                .map(r -> "fault clear " + r.id())
                                .orElse("cluster resume " + n) + ").";
            }
        }
        return null;
    }

    /** A fault set inside nodes needs each of them running (frozen ones cannot take it) and the cluster's secret. */
    private String inNodeFault(String what, List<String> nodes, Map<String, String> state, Evidence.Observation o) {
        if (!client.controls()) {
            return "No cluster secret: " + what + " is set inside the nodes, and they accept that only from whoever"
                    + " holds the secret beside the cluster file (cluster.secret). This console or command is view-only"
                    + " for faults.";
        }
        for (String n : nodes) {
            if (o.paused().contains(n)) {
                return n + " is paused (" + state.get(n) + "): " + what + " is set at both ends of the links it"
                        + " touches, and a frozen node cannot take its part. Resume it first.";
            }
            if (!o.reachable(n) && (supervisor == null || !o.gone().contains(n))) {
                return n + " does not answer (" + state.get(n) + "): " + what + " needs it to take its part of the"
                        + " rules. Bring it back first.";
            }
        }
        return null;
    }

    private String describeState(String node, Evidence.Observation o) {
        if (supervisor != null) {
            NodeProcess p = supervisor.process(node);
            Optional<FaultRecord> by = active().stream()
                    .filter(r -> r.fault().nodes().contains(node)
                            && (r.fault() instanceof Fault.Kill || r.fault() instanceof Fault.Pause))
                    .reduce((a, b) -> b);
            return p.describe() + by.map(r -> ", " + r.id()).orElse("");
        }
        return o.reachable(node) ? "running" : "not answering";
    }

    private <F extends Fault> Optional<FaultRecord> activeOn(String node, Class<F> type) {
        return active().stream()
                .filter(r -> type.isInstance(r.fault()) && r.fault().nodes().contains(node))
                .reduce((a, b) -> b);
    }

    // ---- applying ----

    private void apply(String id, Fault fault) throws IOException {
        switch (fault) {
            case Fault.Kill k -> {
                for (String n : k.nodes()) {
                    supervisor.kill(n);
                }
            }
            case Fault.Pause p -> {
                for (String n : p.nodes()) {
                    supervisor.pause(n);
                }
            }
            default -> {
                Evidence.Observation o = observe();
                for (var e : rules(spec, id, fault).entrySet()) {
                    String n = e.getKey();
                    if (o.gone().contains(n)) {
                        NodeFaults.save(nodeDir(n), n, spec.group().toString(), desiredRules(n)); // it starts with it
                    } else {
                        client.control(n).apply(e.getValue());
                    }
                }
            }
        }
    }

    /** Undoes a fault; returns what could not be undone. */
    private List<String> undo(String id, Fault fault) {
        List<String> problems = new ArrayList<>();
        switch (fault) {
            case Fault.Kill k -> {
                for (String n : k.nodes()) {
                    try {
                        if (!supervisor.process(n).alive()) {
                            NodeFaults.save(nodeDir(n), n, spec.group().toString(), desiredRules(n));
                            supervisor.start(n);
                        }
                    } catch (IOException | RuntimeException e) {
                        problems.add("could not start " + n + ": " + message(e));
                    }
                }
            }
            case Fault.Pause p -> {
                for (String n : p.nodes()) {
                    try {
                        if (ProcessSignals.isPaused(supervisor.process(n).pid())) {
                            supervisor.resume(n);
                        }
                    } catch (IOException | RuntimeException e) {
                        problems.add("could not resume " + n + ": " + message(e));
                    }
                }
            }
            default -> {
                Evidence.Observation o = observe();
                for (String n : rules(spec, id, fault).keySet()) {
                    try {
                        if (supervisor != null && o.gone().contains(n)) {
                            NodeFaults.save(nodeDir(n), n, spec.group().toString(), desiredRules(n));
                        } else {
                            client.control(n)
                                    .clear(ClearFaultRequest.newBuilder()
                                            .setId(id)
                                            .build());
                        }
                    } catch (IOException | RuntimeException e) {
                        problems.add("could not clear " + id + " inside " + n + ": " + message(e));
                    }
                }
            }
        }
        return problems;
    }

    private void undoQuietly(String id, Fault fault) {
        List<String> problems = undo(id, fault);
        if (!problems.isEmpty()) {
            LOG.warn("undoing {} after a failed injection: {}", id, problems);
        }
    }

    /**
     * The rule each node holds for a network or timing fault: a partition is a drop rule on each side against the
     * other; a slow link delays traffic on the slow node from every peer and on every peer from the slow node; a slow
     * node delays its own answers.
     */
    static Map<String, FaultRule> rules(ClusterSpec spec, String id, Fault fault) {
        Map<String, FaultRule> out = new LinkedHashMap<>();
        switch (fault) {
            case Fault.Partition p -> {
                List<String> other = otherSide(spec, p);
                p.nodes().forEach(n -> out.put(n, drop(id, other)));
                other.forEach(n -> out.put(n, drop(id, p.nodes())));
            }
            case Fault.SlowLink s -> {
                for (var n : spec.nodes()) {
                    List<String> from = s.nodes().contains(n.id())
                            ? spec.nodes().stream()
                                    .map(ClusterSpec.NodeSpec::id)
                                    .filter(x -> !x.equals(n.id()))
                                    .toList()
                            : s.nodes();
                    out.put(
                            n.id(),
                            FaultRule.newBuilder()
                                    .setId(id)
                                    .setDelay(PeerTraffic.newBuilder()
                                            .addAllPeers(from)
                                            .setDelayMillis(s.delayMillis()))
                                    .build());
                }
            }
            case Fault.SlowNode s ->
                s.nodes()
                        .forEach(n -> out.put(
                                n,
                                FaultRule.newBuilder()
                                        .setId(id)
                                        .setAnswerDelayMillis(s.delayMillis())
                                        .build()));
            default -> {}
        }
        return out;
    }

    private static FaultRule drop(String id, List<String> peers) {
        return FaultRule.newBuilder()
                .setId(id)
                .setDrop(PeerTraffic.newBuilder().addAllPeers(peers))
                .build();
    }

    /** The other side of a partition: the nodes named with {@code --from}, or every node not isolated. */
    static List<String> otherSide(ClusterSpec spec, Fault.Partition p) {
        if (!p.from().isEmpty()) {
            return p.from();
        }
        return spec.nodes().stream()
                .map(ClusterSpec.NodeSpec::id)
                .filter(n -> !p.nodes().contains(n))
                .toList();
    }

    /** Every rule a node should hold for the faults in effect (for a node started while they are). */
    private List<FaultRule> desiredRules(String node) {
        List<FaultRule> out = new ArrayList<>();
        for (FaultRecord r : active()) {
            FaultRule rule = rules(spec, r.id(), r.fault()).get(node);
            if (rule != null) {
                out.add(rule);
            }
        }
        return out;
    }

    private Path nodeDir(String node) {
        return supervisor.files().nodeDir(node);
    }

    // ---- watching ----

    private Evidence.Observation observe() {
        return observe(STATUS_DEADLINE_MILLIS);
    }

    /**
     * The cluster now. The watcher asks with a short deadline (a frozen node must not slow it); a check before acting
     * asks with a longer one, so a node is not called silent because this process's first call to it was slow.
     */
    private Evidence.Observation observe(long deadlineMillis) {
        Map<String, NodeStatus> status = new LinkedHashMap<>();
        for (NodeStatus s : client.status(deadlineMillis)) {
            status.put(s.getNodeId(), s);
        }
        Set<String> gone = new LinkedHashSet<>();
        Set<String> paused = new LinkedHashSet<>();
        if (supervisor != null) {
            for (NodeProcess p : supervisor.processes()) {
                if (!p.alive()) {
                    gone.add(p.node());
                } else if (ProcessSignals.isPaused(p.pid())) {
                    paused.add(p.node());
                }
            }
        } else {
            status.values().stream()
                    .filter(s -> s.getRole() == Role.UNREACHABLE)
                    .forEach(s -> gone.add(s.getNodeId()));
        }
        return new Evidence.Observation(status, gone, paused);
    }

    private Set<String> paused() {
        if (supervisor == null) {
            return Set.of();
        }
        return supervisor.processes().stream()
                .filter(p -> p.alive() && ProcessSignals.isPaused(p.pid()))
                .map(NodeProcess::node)
                .collect(Collectors.toCollection(LinkedHashSet::new));
    }

    /** "n1 LEADER t4 ci 41, n2 FOLLOWER …, n3 frozen": what was last seen, for a failure's message. */
    private static String summary(Evidence.Observation o) {
        List<String> parts = new ArrayList<>();
        o.status()
                .forEach((id, s) -> parts.add(
                        o.paused().contains(id)
                                ? id + " frozen"
                                : o.gone().contains(id)
                                        ? id + " down"
                                        : s.getRole() == Role.UNREACHABLE
                                                ? id + " not answering"
                                                : id + " " + s.getRole() + " term " + s.getTerm() + " applied "
                                                        + s.getAppliedIndex()));
        return String.join(", ", parts);
    }

    private void watchRecovery(List<FaultRecord> healed, long target) {
        for (FaultRecord r : healed) {
            CompletableFuture<FaultRecord> f = new CompletableFuture<>();
            recoveries.put(r.id(), f);
            Evidence.Observation before = observe();
            watch(
                    RECOVER_TIMEOUT_MILLIS,
                    () -> {
                        Evidence.Observation now = observe();
                        Optional<String> synced = Evidence.inSync(spec, target, now);
                        if (synced.isEmpty()) {
                            return synced;
                        }
                        return switch (r.fault()) {
                            case Fault.Partition p ->
                                Evidence.joined(p.nodes(), otherSide(spec, p), now) ? synced : Optional.empty();
                            case Fault.SlowLink s ->
                                Evidence.fast(spec, s.nodes(), s.delayMillis(), before, now)
                                        ? synced
                                        : Optional.empty();
                            default -> synced;
                        };
                    },
                    seen -> {
                        record("recover", r.id(), seen);
                        complete(f, r.id());
                    },
                    last -> {
                        LOG.warn(
                                "{} healed but the cluster was not back in sync within {} s: {}",
                                r.id(),
                                RECOVER_TIMEOUT_MILLIS / 1000,
                                last);
                        complete(f, r.id());
                    });
        }
    }

    private Optional<String> awaitSync(long target, long timeoutMillis) {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (System.nanoTime() < end) {
            Evidence.Observation o = observe();
            Optional<String> synced = Evidence.inSync(spec, target, o);
            if (synced.isPresent() && allLinksUp(o)) {
                return synced;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(POLL_MILLIS));
        }
        return Optional.empty();
    }

    private boolean allLinksUp(Evidence.Observation o) {
        for (var a : spec.nodes()) {
            for (var b : spec.nodes()) {
                if (!a.equals(b) && !Evidence.joined(List.of(a.id()), List.of(b.id()), o)) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * Polls {@code check} on the watcher thread until it sees something (then {@code seen} gets it) or the time runs
     * out ({@code timedOut} gets the last observation in words).
     */
    private void watch(
            long timeoutMillis, Supplier<Optional<String>> check, Consumer<String> seen, Consumer<String> timedOut) {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        Runnable[] step = new Runnable[1];
        step[0] = () -> {
            try {
                Optional<String> s = check.get();
                if (s.isPresent()) {
                    seen.accept(s.get());
                    return;
                }
            } catch (RuntimeException e) {
                LOG.debug("fault watch: {}", e.toString());
            }
            if (System.nanoTime() > end) {
                timedOut.accept(summary(observe()));
                return;
            }
            try {
                watcher.schedule(step[0], POLL_MILLIS, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException closing) {
                // The controller is closing: what was seen so far is in the journal.
            }
        };
        try {
            watcher.execute(step[0]);
        } catch (RejectedExecutionException closing) {
            // As above.
        }
    }

    // ---- journal ----

    private ObjectNode event(String name) {
        return AuditJournal.event(spec.group(), actor, name, System.currentTimeMillis());
    }

    private void record(String name, String faultId, String detail) {
        ObjectNode e = event(name);
        e.put("fault_id", faultId);
        e.put("detail", detail);
        journal.append(e);
    }

    private void complete(CompletableFuture<FaultRecord> f, String id) {
        FaultRecord r = find(id).orElseThrow();
        notify(r);
        f.complete(r);
    }

    private void notify(String id) {
        find(id).ifPresent(this::notify);
    }

    private void notify(FaultRecord r) {
        for (Consumer<FaultRecord> l : listeners) {
            try {
                l.accept(r);
            } catch (RuntimeException e) {
                LOG.warn("a fault listener failed: {}", e.toString());
            }
        }
    }

    static String message(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null
                && (c.getMessage() == null || c instanceof java.util.concurrent.CompletionException)) {
            c = c.getCause();
        }
        if (c instanceof StatusRuntimeException s) {
            return s.getStatus().getDescription() != null
                    ? s.getStatus().getDescription()
                    : s.getStatus().getCode().toString();
        }
        return c.getMessage() != null ? c.getMessage() : c.getClass().getSimpleName();
    }

    @Override
    public void close() {
        watcher.shutdownNow();
    }
}
