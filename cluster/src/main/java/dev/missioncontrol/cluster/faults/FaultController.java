package dev.missioncontrol.cluster.faults;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.missioncontrol.cluster.client.ClusterClient;
import dev.missioncontrol.cluster.config.ClusterSpec;
import dev.missioncontrol.cluster.node.NodeFaults;
import dev.missioncontrol.cluster.proto.ClearFaultRequest;
import dev.missioncontrol.cluster.proto.NodeStatus;
import dev.missioncontrol.cluster.supervisor.NodeRepair;
import dev.missioncontrol.cluster.supervisor.ProcessSignals;
import dev.missioncontrol.cluster.supervisor.Supervisor;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Supplier;
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

    private static final long CHECK_DEADLINE_MILLIS = 2_000;
    /** What a slow-node fault is confirmed with when nobody asks anything: a question every node answers fast. */
    static final String PROBE_QUESTION = "What is the nominal main bus voltage?";

    private final ClusterClient client;
    private final ClusterSpec spec;
    private final Supervisor supervisor;
    private final AuditJournal journal;
    private final Actor actor;
    private final ClusterWatch watch;
    private final FaultChecks checks;
    private final AnswerEvidence answers;
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
        this.watch = new ClusterWatch(client, supervisor);
        this.checks = new FaultChecks(this, watch, client, supervisor);
        this.answers = new AnswerEvidence(spec, client);
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
        return Tolerance.of(spec, status, watch.paused(), active());
    }

    // ---- injecting ----

    /**
     * Injects a fault: checks it, records it, applies it, and starts watching for its confirmation
     * ({@link #confirmation}).
     *
     * @throws FaultException saying why it was refused or could not be applied (then nothing of it stays in effect)
     */
    public FaultRecord inject(Fault fault) {
        String problem = checks.refusal(fault);
        if (problem != null) {
            ObjectNode e = event("refuse");
            e.set("fault", AuditJournal.json("", fault));
            e.put("detail", problem);
            journal.append(e);
            throw new FaultException(problem);
        }
        Evidence.Observation before = watch.observe(ClusterWatch.CHECK_DEADLINE_MILLIS);
        String id = journal.appendInjection(spec.group(), actor, fault, System.currentTimeMillis());
        try {
            apply(id, fault);
        } catch (IOException | RuntimeException e) {
            String why = "could not inject " + fault.describe() + ": " + FaultException.why(e);
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
        Supplier<Optional<String>> check =
                switch (fault) {
                    case Fault.SlowNode slow -> answers.slowNode(id, slow);
                    case Fault.Byzantine b -> answers.byzantine(id, b);
                    default -> () -> confirmation(fault, before, watch.observe());
                };
        watch.watch(
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
            case Fault.Partition p -> Evidence.partitioned(spec, p.nodes(), FaultRules.otherSide(spec, p), now);
            case Fault.SlowLink s -> Evidence.slowed(spec, s.nodes(), s.delayMillis(), before, now);
            case Fault.SlowNode s -> Optional.empty(); // confirmed by an answer, not by status
            case Fault.Byzantine b -> Optional.empty(); // confirmed by an answer, not by status
        };
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
        watchRecovery(List.of(r), watch.observe().commitIndex());
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
        return healAll(why, false);
    }

    /**
     * As {@link #healAll(String)}. With {@code closing} (a console about to stop the nodes it started), nodes that are
     * down are not started again and nobody waits for the nodes to catch up: the rules are cleared, frozen nodes
     * resumed (so they can stop politely) and the journal records every fault as healed.
     */
    public HealReport healAll(String why, boolean closing) {
        boolean awaitSync = !closing;
        long start = System.nanoTime();
        List<FaultRecord> active = active();
        for (FaultRecord r : active) {
            record("heal", r.id(), why);
        }
        List<String> problems = new ArrayList<>();
        Evidence.Observation o = watch.observe();
        for (var n : spec.nodes()) {
            boolean frozen = o.paused().contains(n.id());
            if (supervisor != null && frozen) {
                try {
                    supervisor.resume(n.id());
                } catch (IOException | RuntimeException e) {
                    problems.add("could not resume " + n.id() + ": " + FaultException.why(e));
                }
            }
            if (supervisor != null && o.gone().contains(n.id())) {
                if (closing) {
                    continue;
                }
                try {
                    NodeFaults.save(nodeDir(n.id()), n.id(), spec.group().toString(), List.of());
                    supervisor.start(n.id());
                } catch (IOException | RuntimeException e) {
                    problems.add("could not start " + n.id() + ": " + FaultException.why(e));
                }
            } else if (client.controls() && (o.reachable(n.id()) || frozen)) {
                try {
                    client.control(n.id())
                            .clear(ClearFaultRequest.newBuilder().setAll(true).build());
                } catch (StatusRuntimeException e) {
                    problems.add("could not clear the rules inside " + n.id() + ": " + FaultException.why(e));
                }
            }
        }
        active.forEach(r -> notify(r.id()));
        Evidence.Observation now = watch.observe();
        long target = now.commitIndex();
        Optional<String> synced =
                awaitSync ? watch.awaitSync(target, RECOVER_TIMEOUT_MILLIS) : Optional.<String>empty();
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
                                + ClusterWatch.summary(watch.observe())
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
            watchRecovery(healed, watch.observe().commitIndex());
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
            NodeFaults.save(nodeDir(node), node, spec.group().toString(), FaultRules.desired(spec, active(), node));
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
            e.put("detail", FaultException.why(ex));
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

    <F extends Fault> Optional<FaultRecord> activeOn(String node, Class<F> type) {
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
                Evidence.Observation o = watch.observe();
                for (var e : FaultRules.rules(spec, id, fault).entrySet()) {
                    String n = e.getKey();
                    if (o.gone().contains(n)) {
                        NodeFaults.save(
                                nodeDir(n),
                                n,
                                spec.group().toString(),
                                FaultRules.desired(spec, active(), n)); // it starts with it
                    } else {
                        client.control(n).apply(e.getValue());
                    }
                }
                if (fault instanceof Fault.Byzantine b && b.kind().equals(Fault.Byzantine.LYING_LEADER)) {
                    // A lying leader lies only while it leads: hand it the leadership, as Raft's transfer does.
                    String leads = client.leader().orElse("");
                    if (!b.nodes().contains(leads)) {
                        client.transferLeadership(b.nodes().getFirst());
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
                            NodeFaults.save(
                                    nodeDir(n), n, spec.group().toString(), FaultRules.desired(spec, active(), n));
                            supervisor.start(n);
                        }
                    } catch (IOException | RuntimeException e) {
                        problems.add("could not start " + n + ": " + FaultException.why(e));
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
                        problems.add("could not resume " + n + ": " + FaultException.why(e));
                    }
                }
            }
            default -> {
                Evidence.Observation o = watch.observe();
                for (String n : FaultRules.rules(spec, id, fault).keySet()) {
                    try {
                        if (supervisor != null && o.gone().contains(n)) {
                            NodeFaults.save(
                                    nodeDir(n), n, spec.group().toString(), FaultRules.desired(spec, active(), n));
                        } else {
                            client.control(n)
                                    .clear(ClearFaultRequest.newBuilder()
                                            .setId(id)
                                            .build());
                        }
                    } catch (IOException | RuntimeException e) {
                        problems.add("could not clear " + id + " inside " + n + ": " + FaultException.why(e));
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

    private Path nodeDir(String node) {
        return supervisor.files().nodeDir(node);
    }

    private void watchRecovery(List<FaultRecord> healed, long target) {
        for (FaultRecord r : healed) {
            CompletableFuture<FaultRecord> f = new CompletableFuture<>();
            recoveries.put(r.id(), f);
            watch.watch(
                    RECOVER_TIMEOUT_MILLIS,
                    () -> {
                        Evidence.Observation now = watch.observe();
                        Optional<String> synced = Evidence.inSync(spec, target, now);
                        if (synced.isEmpty()) {
                            return synced;
                        }
                        return switch (r.fault()) {
                            case Fault.Partition p ->
                                Evidence.joined(p.nodes(), FaultRules.otherSide(spec, p), now)
                                        ? synced
                                        : Optional.empty();
                            case Fault.SlowLink s ->
                                Evidence.fast(spec, s.nodes(), s.delayMillis(), now) ? synced : Optional.empty();
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

    @Override
    public void close() {
        watch.close();
    }
}
