package dev.missioncontrol.app.faults;

import dev.missioncontrol.app.nodes.NodeViewModel;
import dev.missioncontrol.app.nodes.NodesViewModel;
import dev.missioncontrol.app.timeline.TimelineEvent;
import dev.missioncontrol.app.timeline.TimelineModel;
import dev.missioncontrol.cluster.faults.Fault;
import dev.missioncontrol.cluster.faults.FaultController;
import dev.missioncontrol.cluster.faults.FaultRecord;
import dev.missioncontrol.cluster.faults.Tolerance;
import dev.missioncontrol.cluster.proto.NodeStatus;
import dev.missioncontrol.styles.Status;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The faults panel's model: the faults of the cluster with their state (injected → confirmed → healed, or failed), what
 * the cluster can take now, whether this console may inject at all, and the commands — inject, clear, heal all and the
 * node actions — which run on the panel's own lanes, never on the FX thread: heal all has a lane of its own, so it
 * never waits behind a long rebuild or a fault's confirmation. Each fault is a bar on the timeline from its onset to
 * its recovery, with its confirmation marked.
 *
 * <p>Results come back through the {@code fx} executor (the FX thread in the console, the caller's thread in tests).
 */
public final class FaultsViewModel implements AutoCloseable {
    private static final DateTimeFormatter CLOCK =
            DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());
    /** Healed faults shown below the active ones. */
    private static final int RECENT_HEALED = 8;

    private final FaultController controller;
    private final NodesViewModel nodes;
    private final TimelineModel timeline;
    private final Executor fx;
    private final ExecutorService actions = lane("fault-actions");
    private final ExecutorService healing = lane("heal-all");
    private final ObservableList<Row> rows = FXCollections.observableArrayList();
    private final ReadOnlyObjectWrapper<Tolerance> tolerance = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyStringWrapper message = new ReadOnlyStringWrapper("");
    private final ReadOnlyObjectWrapper<Status> messageStatus = new ReadOnlyObjectWrapper<>(Status.OFF);
    private final ReadOnlyBooleanWrapper healingNow = new ReadOnlyBooleanWrapper();
    private final ReadOnlyStringWrapper summary = new ReadOnlyStringWrapper("faults: none");
    private final ReadOnlyObjectWrapper<Status> summaryStatus = new ReadOnlyObjectWrapper<>(Status.NORMAL);
    private List<FaultRecord> records = List.of();

    /** One fault as the panel lists it. */
    public record Row(
            String id, String what, String state, Status status, String times, String detail, boolean active) {}

    public FaultsViewModel(FaultController controller, NodesViewModel nodes, TimelineModel timeline, Executor fx) {
        this.controller = controller;
        this.nodes = nodes;
        this.timeline = timeline;
        this.fx = fx;
        controller.addListener(r -> refresh());
    }

    private static ExecutorService lane(String name) {
        return Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    public ObservableList<Row> rows() {
        return rows;
    }

    public ReadOnlyObjectProperty<Tolerance> toleranceProperty() {
        return tolerance.getReadOnlyProperty();
    }

    /** The outcome of the last command, or why it was refused. */
    public ReadOnlyStringProperty messageProperty() {
        return message.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<Status> messageStatusProperty() {
        return messageStatus.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty healingProperty() {
        return healingNow.getReadOnlyProperty();
    }

    /** For the status bar: "faults: none", "faults: 2 active — f3 partition confirmed, …", with its status. */
    public ReadOnlyStringProperty summaryProperty() {
        return summary.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<Status> summaryStatusProperty() {
        return summaryStatus.getReadOnlyProperty();
    }

    /** Whether faults inside nodes can be injected (this console holds the cluster's secret). */
    public boolean controlsNodes() {
        return controller.controlsNodes();
    }

    /** Whether the nodes' processes can be killed, paused and restarted from here. */
    public boolean supervises() {
        return controller.supervises();
    }

    /** Why this console is view-only for some faults, or empty. */
    public String limits() {
        if (!controller.controlsNodes() && !controller.supervises()) {
            return "View only: no cluster secret (the .secret file beside the cluster file) and the nodes run"
                    + " elsewhere, so no fault can be injected from this console.";
        }
        if (!controller.controlsNodes()) {
            return "No cluster secret (the .secret file beside the cluster file): partitions, slow links and slow"
                    + " nodes cannot be injected from this console; kill and pause can.";
        }
        if (!controller.supervises()) {
            return "The nodes run elsewhere: kill, pause and restart them on their hosts; faults inside nodes work"
                    + " from here.";
        }
        return "";
    }

    public List<String> nodeIds() {
        return nodes.nodes().stream().map(NodeViewModel::id).toList();
    }

    // ---- commands (any thread; they never block it) ----

    /** Injects a fault; says when it is confirmed (or failed), without holding the lane while the cluster reacts. */
    public void inject(Fault fault) {
        run(actions, "Inject " + fault.describe(), () -> {
            FaultRecord r = controller.inject(fault);
            say(r.id() + " injected: " + fault.describe() + "; waiting for the cluster to react …", Status.CAUTION);
            controller.confirmation(r.id()).whenComplete((done, e) -> {
                if (e != null) {
                    say(r.id() + ": " + e.getMessage(), Status.SERIOUS);
                } else if (done.state() == FaultRecord.State.CONFIRMED) {
                    say(done.id() + " confirmed: " + done.observed(), Status.NORMAL);
                } else {
                    say(done.id() + " " + done.state().word() + ": " + done.problem(), Status.SERIOUS);
                }
            });
        });
    }

    /** Clears a fault; says when every node is back in sync. */
    public void clear(String id) {
        run(actions, "Clear " + id, () -> {
            controller.clear(id);
            say(id + " cleared; waiting for every node to be back in sync …", Status.CAUTION);
            controller.recovery(id).whenComplete((done, e) -> {
                if (e != null) {
                    say(id + ": " + e.getMessage(), Status.SERIOUS);
                } else if (done.recoveredAt() > 0) {
                    say(
                            id + " healed, back in sync after " + seconds(done.recoveredAt() - done.healedAt()),
                            Status.NORMAL);
                } else {
                    say(id + " cleared, but the cluster was not seen back in sync", Status.SERIOUS);
                }
            });
        });
    }

    /** Heal all: on its own lane, so it never waits behind another action. */
    public void healAll() {
        fx.execute(() -> healingNow.set(true));
        run(healing, "Heal all", () -> {
            say("Healing every fault …", Status.CAUTION);
            try {
                FaultController.HealReport report = controller.healAll("heal all in the console");
                String healed = report.healed().isEmpty() ? "nothing was active" : "healed " + report.healed();
                say(
                        healed + "; " + (report.inSync() ? "every node back in sync after " : "not in sync after ")
                                + seconds(report.millis())
                                + (report.problems().isEmpty() ? "" : ". " + String.join("; ", report.problems())),
                        report.inSync() && report.problems().isEmpty() ? Status.NORMAL : Status.SERIOUS);
            } finally {
                fx.execute(() -> healingNow.set(false));
            }
        });
    }

    public void restart(String node) {
        run(actions, "Restart " + node, () -> {
            controller.restart(node);
            say(node + " restarted", Status.NORMAL);
        });
    }

    public void resume(String node) {
        run(actions, "Resume " + node, () -> {
            controller.resume(node);
            say(node + " resumed", Status.NORMAL);
        });
    }

    public void stop(String node) {
        run(actions, "Stop " + node, () -> {
            controller.stop(node);
            say(node + " stopped", Status.OFF);
        });
    }

    public void rebuild(String node) {
        run(actions, "Rebuild " + node, () -> {
            say(node + " is taken out of the group, started empty and put back …", Status.CAUTION);
            var aside = controller.rebuild(node);
            say(
                    node + " rebuilt from the leader" + (aside == null ? "" : "; its damaged data is kept in " + aside),
                    Status.NORMAL);
        });
    }

    private interface Work {
        void run() throws Exception;
    }

    private void run(ExecutorService lane, String what, Work work) {
        try {
            lane.execute(() -> {
                try {
                    work.run();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (Exception e) {
                    Throwable c = e instanceof java.util.concurrent.ExecutionException && e.getCause() != null
                            ? e.getCause()
                            : e;
                    say(what + " failed: " + (c.getMessage() == null ? c.toString() : c.getMessage()), Status.SERIOUS);
                }
            });
        } catch (RejectedExecutionException closing) {
            // The console is closing.
        }
    }

    private void say(String text, Status status) {
        fx.execute(() -> {
            message.set(text);
            messageStatus.set(status);
        });
    }

    /**
     * The Byzantine fault a node had at a moment ("hallucinate f3"), for the instructor's badge on its answer card;
     * empty when it answered honestly. FX thread (reads the list last shown).
     */
    public java.util.Optional<String> byzantineAt(String node, long atMillis) {
        return records.stream()
                .filter(r -> r.fault().byzantine() && r.fault().nodes().contains(node))
                .filter(r -> r.activeAt(atMillis))
                .reduce((a, b) -> b)
                .map(r -> r.fault().type() + " " + r.id());
    }

    /**
     * The warning a decision must carry when, at the moment its question was asked, more nodes had a Byzantine fault
     * than the vote tolerates ("2 Byzantine of 3 (n2, n3): beyond f = 0 — the vote cannot be trusted"). FX thread.
     */
    public java.util.Optional<String> byzantineWarningAt(long atMillis) {
        List<FaultRecord> then =
                records.stream().filter(r -> r.activeAt(atMillis)).toList();
        return Tolerance.byzantineWarning(controller.spec(), then);
    }

    // ---- state ----

    /** Reads the faults again (a controller thread): the list, the timeline bars and the summary follow. */
    public void refresh() {
        List<FaultRecord> now = controller.faults();
        fx.execute(() -> show(now));
    }

    private void show(List<FaultRecord> now) {
        records = now;
        List<Row> active = new ArrayList<>();
        List<Row> healed = new ArrayList<>();
        for (FaultRecord r : now.reversed()) {
            Row row = row(r);
            if (r.active()) {
                active.add(row);
            } else if (healed.size() < RECENT_HEALED) {
                healed.add(row);
            }
            timeline.put(bar(r));
        }
        List<Row> all = new ArrayList<>(active);
        all.addAll(healed);
        rows.setAll(all);
        summarize();
    }

    /** Recomputes what the cluster can take from the nodes' last status. FX thread, at the console's pulse. */
    public void apply() {
        Map<String, NodeStatus> status = new LinkedHashMap<>();
        for (NodeViewModel n : nodes.nodes()) {
            NodeStatus s = n.statusProperty().get();
            if (s != null && n.reporting()) {
                status.put(n.id(), s);
            }
        }
        Tolerance t = Tolerance.of(
                controller.spec(),
                status,
                nodes.nodes().stream()
                        .filter(n -> n.role().equals("PAUSED"))
                        .map(NodeViewModel::id)
                        .collect(java.util.stream.Collectors.toSet()),
                records.stream().filter(FaultRecord::active).toList());
        if (!t.equals(tolerance.get())) {
            tolerance.set(t);
            summarize();
        }
    }

    private void summarize() {
        List<FaultRecord> active = records.stream().filter(FaultRecord::active).toList();
        Tolerance t = tolerance.get();
        if (active.isEmpty()) {
            summary.set("faults: none");
            summaryStatus.set(Status.NORMAL);
        } else {
            summary.set("faults: " + active.size() + " active — "
                    + active.stream()
                            .map(r -> r.id() + " " + r.fault().type() + " "
                                    + r.state().word())
                            .collect(java.util.stream.Collectors.joining(", ")));
            summaryStatus.set(
                    active.stream().anyMatch(r -> r.state() == FaultRecord.State.FAILED)
                            ? Status.SERIOUS
                            : Status.CAUTION);
        }
        if (t != null && (t.beyond() || t.byzantineBeyond())) {
            summaryStatus.set(Status.CRITICAL);
        }
    }

    static Row row(FaultRecord r) {
        Status s =
                switch (r.state()) {
                    case INJECTED -> Status.CAUTION;
                    case CONFIRMED -> Status.SERIOUS;
                    case FAILED -> Status.CRITICAL;
                    case HEALED -> r.recoveredAt() > 0 ? Status.NORMAL : Status.STANDBY;
                };
        StringBuilder times = new StringBuilder("injected " + CLOCK.format(Instant.ofEpochMilli(r.injectedAt())));
        if (r.confirmedAt() > 0) {
            times.append(" · confirmed +").append(seconds(r.confirmedAt() - r.injectedAt()));
        }
        if (r.healedAt() > 0) {
            times.append(" · healed ").append(CLOCK.format(Instant.ofEpochMilli(r.healedAt())));
        }
        if (r.recoveredAt() > 0) {
            times.append(" · in sync +").append(seconds(r.recoveredAt() - r.healedAt()));
        }
        String detail = !r.problem().isEmpty() && r.state() == FaultRecord.State.FAILED ? r.problem() : r.observed();
        String state = r.state() == FaultRecord.State.HEALED && r.recoveredAt() == 0
                ? "healed, syncing"
                : r.state().word();
        return new Row(r.id(), r.fault().describe(), state, s, times.toString(), detail, r.active());
    }

    /** A fault's bar: from onset to recovery (ongoing until then), its confirmation marked. */
    static TimelineEvent bar(FaultRecord r) {
        long end = r.recoveredAt() > 0 ? r.recoveredAt() : 0;
        Status s = r.state() == FaultRecord.State.FAILED ? Status.CRITICAL : Status.SERIOUS;
        String detail = r.id() + " " + r.fault().describe() + " by " + r.by().describe() + " — "
                + r.state().word()
                + (r.observed().isEmpty() ? "" : ": " + r.observed())
                + (r.problem().isEmpty() ? "" : " (" + r.problem() + ")")
                + (r.confirmedAt() > 0 ? "; confirmed after " + seconds(r.confirmedAt() - r.injectedAt()) : "")
                + (r.recoveredAt() > 0
                        ? "; back in sync " + seconds(r.recoveredAt() - r.healedAt()) + " after heal"
                        : "");
        return new TimelineEvent(
                r.injectedAt(),
                end,
                TimelineEvent.Kind.FAULT,
                r.id() + " " + r.fault().type(),
                detail,
                s,
                r.id(),
                r.confirmedAt());
    }

    static String seconds(long millis) {
        return String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
    }

    @Override
    public void close() {
        actions.shutdownNow();
        healing.shutdownNow();
    }
}
