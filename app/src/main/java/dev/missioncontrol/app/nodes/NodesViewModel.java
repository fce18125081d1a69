package dev.missioncontrol.app.nodes;

import dev.missioncontrol.app.console.ClusterGateway;
import dev.missioncontrol.app.timeline.TimelineEvent;
import dev.missioncontrol.app.timeline.TimelineEvent.Kind;
import dev.missioncontrol.app.timeline.TimelineModel;
import dev.missioncontrol.cluster.config.ClusterSpec;
import dev.missioncontrol.cluster.node.NodeFaults;
import dev.missioncontrol.cluster.proto.FaultRule;
import dev.missioncontrol.cluster.proto.LinkView;
import dev.missioncontrol.cluster.proto.LogEntryView;
import dev.missioncontrol.cluster.proto.NodeStatus;
import dev.missioncontrol.cluster.proto.Role;
import dev.missioncontrol.cluster.supervisor.NodeProcess;
import dev.missioncontrol.cluster.vote.Vote;
import dev.missioncontrol.styles.Status;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyLongProperty;
import javafx.beans.property.ReadOnlyLongWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The cluster as the node tiles, topology and status bar show it. Status streams and the supervisor report on their
 * own threads into a pending map; {@link #apply()} runs on the FX thread at the console's pulse (~10 Hz) and turns the
 * latest of everything into properties and timeline events, so a burst of messages costs one update.
 */
public final class NodesViewModel implements ClusterGateway.StatusListener {
    /** A node that has not reported for this long is shown as unreachable. */
    static final long STALE_MILLIS = 3_000;

    /**
     * A follower the leader has not heard from for this long is down to the leader, which then does not wait for its
     * answers (the node's own rule); until the leader hears it again it is not shown as normal.
     */
    static final long LEADER_SILENT_MILLIS = 1_000;

    private final ClusterSpec spec;
    private final boolean supervised;
    private final TimelineModel timeline;
    private final LongSupplier clock;
    private final ObservableList<NodeViewModel> nodes = FXCollections.observableArrayList();
    private final Map<String, NodeViewModel> byId = new LinkedHashMap<>();

    private record Reported(NodeStatus status, long at) {}

    private final Map<String, Reported> statuses = new ConcurrentHashMap<>();
    private final Map<String, Reported> applied = new java.util.HashMap<>();
    private final Map<String, String> lost = new ConcurrentHashMap<>();
    private final Map<String, NodeProcess> processes = new ConcurrentHashMap<>();
    private final List<Consumer<List<LogEntryView>>> entryListeners = new ArrayList<>();

    private final ReadOnlyStringWrapper leader = new ReadOnlyStringWrapper("");
    private final ReadOnlyLongWrapper term = new ReadOnlyLongWrapper();
    private final ReadOnlyLongWrapper commitIndex = new ReadOnlyLongWrapper();
    private final ReadOnlyObjectWrapper<Status> health = new ReadOnlyObjectWrapper<>(Status.STANDBY);
    private final ReadOnlyStringWrapper summary = new ReadOnlyStringWrapper("starting the cluster …");
    private final ReadOnlyBooleanWrapper ready = new ReadOnlyBooleanWrapper();
    private final ReadOnlyLongWrapper readyAt = new ReadOnlyLongWrapper();
    private final Map<String, Status> lastHealth = new LinkedHashMap<>();
    private String lastLeader = "";
    private long lastTerm;

    public NodesViewModel(ClusterSpec spec, boolean supervised, TimelineModel timeline, LongSupplier clock) {
        this.spec = spec;
        this.supervised = supervised;
        this.timeline = timeline;
        this.clock = clock;
        for (var n : spec.nodes()) {
            NodeViewModel vm = new NodeViewModel(n.id(), n.model());
            nodes.add(vm);
            byId.put(n.id(), vm);
        }
    }

    public ObservableList<NodeViewModel> nodes() {
        return nodes;
    }

    public NodeViewModel node(String id) {
        return byId.get(id);
    }

    public ClusterSpec spec() {
        return spec;
    }

    public boolean supervised() {
        return supervised;
    }

    /** Called on every apply with the recent log entries every node reported (for following a query's answers). */
    public void onEntries(Consumer<List<LogEntryView>> listener) {
        entryListeners.add(listener);
    }

    // ---- reports, any thread ----

    @Override
    public void onStatus(NodeStatus status) {
        statuses.put(status.getNodeId(), new Reported(status, clock.getAsLong()));
        lost.remove(status.getNodeId());
    }

    @Override
    public void onLost(String node, String why) {
        lost.put(node, why);
    }

    public void onProcess(NodeProcess p) {
        processes.put(p.node(), p);
        if (!p.alive()) {
            statuses.remove(p.node());
        }
    }

    // ---- FX thread ----

    /** Applies everything reported since the last call. FX thread. */
    public void apply() {
        long now = clock.getAsLong();
        List<LogEntryView> entries = new ArrayList<>();
        int up = 0;
        String leaderNow = "";
        long termNow = 0;
        long commit = 0;
        for (NodeViewModel vm : nodes) {
            Reported r = statuses.get(vm.id());
            NodeProcess p = processes.get(vm.id());
            if (p != null) {
                vm.process(p);
            }
            // Each stream pushes 4 times a second and the pulse runs 10: apply a status once, not on every pulse.
            if (r != null && applied.put(vm.id(), r) != r) {
                vm.report(r.status());
                entries.addAll(r.status().getRecentList());
            }
            derive(vm, r, p, now);
            if (vm.up()) {
                up++;
                termNow = Math.max(termNow, r.status().getTerm());
                if (vm.leaderProperty().get()) {
                    leaderNow = vm.id();
                    commit = r.status().getCommitIndex();
                }
            }
            Status before = lastHealth.put(vm.id(), vm.health());
            if (before != null && before != vm.health()) {
                nodeChanged(vm, before, now);
            }
        }
        if (!leaderNow.equals(lastLeader) && !leaderNow.isEmpty()) {
            timeline.add(TimelineEvent.instant(
                    now,
                    Kind.LEADER,
                    leaderNow + " leads",
                    leaderNow + " became leader in term " + termNow,
                    Status.NORMAL,
                    leaderNow));
        }
        if (termNow > lastTerm && lastTerm > 0) {
            timeline.add(TimelineEvent.instant(
                    now,
                    Kind.ELECTION,
                    "term " + termNow,
                    "election: term " + lastTerm + " → " + termNow
                            + (leaderNow.isEmpty() ? ", no leader yet" : ", won by " + leaderNow),
                    Status.CAUTION,
                    ""));
        }
        lastLeader = leaderNow;
        lastTerm = Math.max(lastTerm, termNow);
        leader.set(leaderNow);
        term.set(lastTerm);
        if (commit > 0) {
            commitIndex.set(commit);
        }
        summarize(up, leaderNow, now);
        if (!entries.isEmpty()) {
            entryListeners.forEach(l -> l.accept(entries));
        }
    }

    private void derive(NodeViewModel vm, Reported r, NodeProcess p, long now) {
        if (p != null && !p.alive()) {
            switch (p.state()) {
                case NEW -> vm.show("NOT STARTED", Status.OFF, "");
                case STOPPED -> vm.show("STOPPED", Status.OFF, "stopped by the operator");
                case KILLED -> vm.show("DOWN", Status.SERIOUS, "killed (SIGKILL) by the operator");
                default ->
                    vm.show(
                            "DOWN",
                            Status.SERIOUS,
                            p.describe() + (p.tail().isEmpty() ? "" : ": " + lastMeaningful(p.tail())));
            }
            return;
        }
        if (p != null && p.state() == NodeProcess.State.PAUSED) {
            vm.show("PAUSED", Status.STANDBY, "frozen by SIGSTOP: alive, runs nothing until resumed");
            return;
        }
        String why = lost.get(vm.id());
        if (r == null) {
            if (supervised || why == null) {
                vm.show("STARTING", Status.STANDBY, "loading models and index");
            } else {
                vm.show("UNREACHABLE", Status.SERIOUS, why + "; reconnecting");
            }
            return;
        }
        if (why != null || now - r.at() > STALE_MILLIS) {
            vm.show(
                    "UNREACHABLE",
                    Status.SERIOUS,
                    (why != null ? why : "no status for " + (now - r.at()) / 1000 + " s") + "; retrying");
            return;
        }
        NodeStatus s = r.status();
        String role =
                switch (s.getRole()) {
                    case LEADER -> "LEADER";
                    case FOLLOWER -> "FOLLOWER";
                    case CANDIDATE -> "CANDIDATE";
                    case LISTENER -> "LISTENER";
                    default -> "UNKNOWN";
                };
        boolean leads = s.getRole() == Role.LEADER;
        // What the node itself reports: the links its probes reach, and the fault rules it holds.
        List<String> unreachable = s.getLinksList().stream()
                .filter(l -> !l.getReachable())
                .map(LinkView::getPeer)
                .toList();
        int reached = s.getLinksCount() - unreachable.size() + 1;
        String rules = NodeFaults.describe(s.getFaultsList());
        boolean cutOff = !s.getLinksList().isEmpty()
                && reached < spec.majority()
                && s.getFaultsList().stream().anyMatch(FaultRule::hasDrop);
        if (cutOff) {
            vm.show(
                    role + " · CUT OFF",
                    Status.SERIOUS,
                    "reaches " + (reached - 1) + " of " + s.getLinksCount() + " peers, a majority needs "
                            + (spec.majority() - 1) + " · " + rules,
                    false,
                    false,
                    true);
            return;
        }
        boolean slowLink = s.getFaultsList().stream().anyMatch(FaultRule::hasDelay);
        boolean slowAnswers =
                s.getFaultsList().stream().anyMatch(f -> f.getKindCase() == FaultRule.KindCase.ANSWER_DELAY_MILLIS);
        if (slowLink || slowAnswers) {
            String rtts = s.getLinksList().stream()
                    .map(l -> l.getPeer() + " " + (l.getRttMillis() < 0 ? "—" : Math.round(l.getRttMillis()) + " ms"))
                    .collect(java.util.stream.Collectors.joining(", "));
            vm.show(
                    role + " · " + (slowLink ? "SLOW LINK" : "SLOW"),
                    Status.CAUTION,
                    rules + (slowLink ? " · round trips " + rtts : ""),
                    true,
                    leads,
                    true);
            return;
        }
        String links = unreachable.isEmpty() ? "" : "cannot reach " + String.join(", ", unreachable);
        switch (s.getRole()) {
            case LEADER, FOLLOWER -> {
                long behind = commitIndex.get() - s.getAppliedIndex();
                long unheard = unheardByLeader(vm.id(), now);
                if (behind > 20) {
                    vm.show(role, Status.STANDBY, "catching up: " + behind + " entries behind", true, leads, true);
                } else if (unheard > LEADER_SILENT_MILLIS) {
                    // Up, but the leader counts it as down (its answers would not be waited for): not yet normal.
                    vm.show(
                            role,
                            Status.CAUTION,
                            String.format(
                                    java.util.Locale.ROOT,
                                    "the leader has not heard from it for %.1f s",
                                    unheard / 1000.0),
                            true,
                            leads,
                            true);
                } else {
                    vm.show(role, Status.NORMAL, links, true, leads, true);
                }
            }
            case CANDIDATE ->
                vm.show(role, Status.CAUTION, "asking for votes in term " + s.getTerm(), true, false, true);
            default -> vm.show(role, Status.CAUTION, links, true, false, true);
        }
    }

    /** How long the leader (as it last reported) has not heard from a node, or 0 when it has or nobody leads. */
    private long unheardByLeader(String node, long now) {
        for (Reported r : statuses.values()) {
            if (r.status().getRole() == Role.LEADER && now - r.at() <= STALE_MILLIS) {
                return r.status().getLinksList().stream()
                        .filter(l -> l.getPeer().equals(node))
                        .mapToLong(LinkView::getHeardAgoMillis)
                        .findFirst()
                        .orElse(0);
            }
        }
        return 0;
    }

    /** The last line that says something (skips blank lines and stack frames). */
    static String lastMeaningful(List<String> tail) {
        for (int i = tail.size() - 1; i >= 0; i--) {
            String l = tail.get(i).strip();
            if (!l.isEmpty() && !l.startsWith("at ") && !l.startsWith("...")) {
                return l;
            }
        }
        return "";
    }

    private void nodeChanged(NodeViewModel vm, Status before, long now) {
        boolean downNow = vm.health() == Status.SERIOUS || vm.health() == Status.OFF;
        boolean downBefore = before == Status.SERIOUS || before == Status.OFF;
        if (downNow && !downBefore) {
            timeline.add(new TimelineEvent(
                    now,
                    0,
                    Kind.NODE,
                    vm.id() + " " + vm.role().toLowerCase(java.util.Locale.ROOT),
                    vm.id() + " " + vm.role()
                            + (vm.whyProperty().get().isEmpty()
                                    ? ""
                                    : ": " + vm.whyProperty().get()),
                    vm.health(),
                    vm.id()));
        } else if (!downNow && downBefore) {
            timeline.end(Kind.NODE, vm.id(), now);
            timeline.add(TimelineEvent.instant(
                    now, Kind.NODE, vm.id() + " back", vm.id() + " is back as " + vm.role(), Status.NORMAL, vm.id()));
        }
    }

    private void summarize(int up, String leaderNow, long now) {
        int n = spec.size();
        int majority = spec.majority();
        boolean starting =
                nodes.stream().allMatch(v -> v.health() == Status.STANDBY || v.health() == Status.OFF) && !ready.get();
        if (!ready.get() && !leaderNow.isEmpty() && up == n) {
            ready.set(true);
            readyAt.set(now);
            timeline.add(TimelineEvent.instant(
                    now,
                    Kind.LEADER,
                    "ready",
                    "cluster ready: " + n + " nodes up, " + leaderNow + " leads, "
                            + String.format(java.util.Locale.ROOT, "%.1f s", (now - timeline.startedAt()) / 1000.0)
                            + " after the console started",
                    Status.NORMAL,
                    ""));
        }
        List<String> out = new ArrayList<>();
        for (NodeViewModel v : nodes) {
            if (!v.up() && v.health() != Status.STANDBY) {
                out.add(v.id()
                        + (v.role().contains("CUT OFF")
                                ? " cut off"
                                : v.role().equals("UNREACHABLE") ? " unreachable" : " down"));
            } else if (v.role().equals("PAUSED")) {
                out.add(v.id() + " paused");
            }
        }
        if (starting) {
            health.set(Status.STANDBY);
            summary.set("starting: " + up + " of " + n + " nodes up");
        } else if (up < majority) {
            health.set(Status.CRITICAL);
            summary.set((out.isEmpty() ? "" : String.join(", ", out) + " — ") + "quorum lost: " + up + " of " + n
                    + " up, " + majority + " needed");
        } else if (leaderNow.isEmpty()) {
            health.set(Status.CAUTION);
            summary.set("election in progress: " + up + " of " + n + " up");
        } else if (!out.isEmpty()) {
            health.set(Status.SERIOUS);
            summary.set(String.join(", ", out) + ": " + up + " of " + n + " up");
        } else if (up < n) {
            health.set(Status.STANDBY);
            summary.set(up + " of " + n + " up, the rest starting");
        } else {
            health.set(Status.NORMAL);
            summary.set("healthy: " + up + " of " + n + " up");
        }
    }

    public ReadOnlyStringProperty leaderProperty() {
        return leader.getReadOnlyProperty();
    }

    public ReadOnlyLongProperty termProperty() {
        return term.getReadOnlyProperty();
    }

    /** The leader's commit index (last known). */
    public ReadOnlyLongProperty commitIndexProperty() {
        return commitIndex.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<Status> healthProperty() {
        return health.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty summaryProperty() {
        return summary.getReadOnlyProperty();
    }

    /** True once every node has reported and one leads (stays true afterwards). */
    public ReadOnlyBooleanProperty readyProperty() {
        return ready.getReadOnlyProperty();
    }

    public ReadOnlyLongProperty readyAtProperty() {
        return readyAt.getReadOnlyProperty();
    }

    /** The vote's q(n) for this cluster. */
    public int quorum() {
        return Vote.quorum(spec.size());
    }
}
