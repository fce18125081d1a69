package dev.missioncontrol.app.nodes;

import dev.missioncontrol.cluster.proto.LinkView;
import dev.missioncontrol.cluster.proto.LogEntryView;
import dev.missioncontrol.cluster.proto.NodeStatus;
import dev.missioncontrol.cluster.supervisor.NodeProcess;
import dev.missioncontrol.styles.Status;
import java.util.List;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;

/**
 * One node as the console shows it: what it says about itself (role, term, indices, CPU, RSS) combined with what the
 * supervisor knows about its process. Set only by {@link NodesViewModel} on the FX thread.
 */
public final class NodeViewModel {
    private final String id;
    private final ReadOnlyStringWrapper role = new ReadOnlyStringWrapper("STARTING");
    private final ReadOnlyObjectWrapper<Status> health = new ReadOnlyObjectWrapper<>(Status.STANDBY);
    private final ReadOnlyBooleanWrapper leader = new ReadOnlyBooleanWrapper();
    private final ReadOnlyStringWrapper term = new ReadOnlyStringWrapper("–");
    private final ReadOnlyStringWrapper indices = new ReadOnlyStringWrapper("–");
    private final ReadOnlyStringWrapper process = new ReadOnlyStringWrapper("–");
    private final ReadOnlyStringWrapper uptime = new ReadOnlyStringWrapper("–");
    private final ReadOnlyStringWrapper warmUp = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper links = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper model = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper why = new ReadOnlyStringWrapper("");
    private final ReadOnlyObjectWrapper<List<LogEntryView>> recent = new ReadOnlyObjectWrapper<>(List.of());
    private final ReadOnlyObjectWrapper<NodeStatus> status = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyObjectWrapper<NodeProcess> processState = new ReadOnlyObjectWrapper<>();
    private boolean up;
    private boolean reporting;

    NodeViewModel(String id, String model) {
        this.id = id;
        this.model.set(model);
    }

    public String id() {
        return id;
    }

    /** LEADER, FOLLOWER, CANDIDATE, STARTING, DOWN, PAUSED, UNREACHABLE, STOPPED, "FOLLOWER · CUT OFF", … */
    public ReadOnlyStringProperty roleProperty() {
        return role.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<Status> healthProperty() {
        return health.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty leaderProperty() {
        return leader.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty termProperty() {
        return term.getReadOnlyProperty();
    }

    /** "commit 41 · applied 41". */
    public ReadOnlyStringProperty indicesProperty() {
        return indices.getReadOnlyProperty();
    }

    /** "cpu 12% · 310 MB". */
    public ReadOnlyStringProperty processProperty() {
        return process.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty uptimeProperty() {
        return uptime.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty modelProperty() {
        return model.getReadOnlyProperty();
    }

    /** Why the node is not healthy (exit code and last log line, lost connection), or empty. */
    public ReadOnlyStringProperty whyProperty() {
        return why.getReadOnlyProperty();
    }

    /** The node's last log entries, as it last reported them. */
    public ReadOnlyObjectProperty<List<LogEntryView>> recentProperty() {
        return recent.getReadOnlyProperty();
    }

    /** The last status the node reported (null before the first). */
    public ReadOnlyObjectProperty<NodeStatus> statusProperty() {
        return status.getReadOnlyProperty();
    }

    /** The supervisor's view of the process (null when attached). */
    public ReadOnlyObjectProperty<NodeProcess> processStateProperty() {
        return processState.getReadOnlyProperty();
    }

    public Status health() {
        return health.get();
    }

    public String role() {
        return role.get();
    }

    /** True when the node reports status, runs and reaches a majority: it counts for the cluster now. */
    public boolean up() {
        return up;
    }

    /** Whether the node's status is fresh: it runs and answers (a cut-off node does; a frozen one does not). */
    public boolean reporting() {
        return reporting;
    }

    /** A node that is not up and does not report: down, frozen, unreachable, starting or stopped. */
    void show(String role, Status health, String why) {
        show(role, health, why, false, false, false);
    }

    void show(String role, Status health, String why, boolean up, boolean leader, boolean reporting) {
        this.up = up;
        this.reporting = reporting;
        this.role.set(role);
        this.health.set(health);
        this.why.set(why);
        this.leader.set(leader);
    }

    void report(NodeStatus s) {
        status.set(s);
        term.set(Long.toString(s.getTerm()));
        indices.set("commit " + s.getCommitIndex() + " · applied " + s.getAppliedIndex());
        process.set(String.format(
                java.util.Locale.ROOT, "cpu %3.0f%% · %4.0f MB", 100 * s.getProcessCpu(), s.getRssBytes() / 1048576.0));
        uptime.set(formatUptime(s.getUptimeMillis()));
        warmUp.set(warmUp(s));
        links.set(links(s));
        if (!s.getRetrievalModel().isEmpty()) {
            model.set(dev.missioncontrol.cluster.config.GeneratorSpec.label(s.getRetrievalModel(), s.getGenerator()));
        }
        if (!s.getRecentList().equals(recent.get())) {
            recent.set(List.copyOf(s.getRecentList()));
        }
    }

    /**
     * While the node is still embedding its knowledge's sentences in the background (after its first start or an
     * ingest), how far it has come; until then its answers about passages not yet embedded are slower. Empty after.
     */
    static String warmUp(NodeStatus s) {
        int total = s.getSentencesTotal();
        int ready = s.getSentencesReady();
        return total > 0 && ready < total ? "embedding knowledge " + (100 * ready / total) + " %" : "";
    }

    /**
     * What the node last said about its links: the peers it cannot reach and those it delays, for example
     * {@code "unreached n1 · slow n3"}; changes only when that does, so a drawing of the links redraws then.
     */
    public ReadOnlyStringProperty linksProperty() {
        return links.getReadOnlyProperty();
    }

    static String links(NodeStatus s) {
        List<String> unreached = s.getLinksList().stream()
                .filter(l -> !l.getReachable())
                .map(LinkView::getPeer)
                .sorted()
                .toList();
        List<String> slow = s.getFaultsList().stream()
                .filter(f -> f.hasDelay())
                .flatMap(f -> f.getDelay().getPeersList().stream())
                .distinct()
                .sorted()
                .toList();
        return (unreached.isEmpty() ? "" : "unreached " + String.join(", ", unreached))
                + (slow.isEmpty() ? "" : (unreached.isEmpty() ? "" : " · ") + "slow " + String.join(", ", slow));
    }

    /** Whether this node's last probe to a peer came back (true when it has not said otherwise). */
    public boolean reaches(String peer) {
        NodeStatus s = status.get();
        return s == null
                || s.getLinksList().stream()
                        .filter(l -> l.getPeer().equals(peer))
                        .allMatch(LinkView::getReachable);
    }

    /** Whether this node delays traffic from a peer (its side of a slow link). */
    public boolean slowTo(String peer) {
        NodeStatus s = status.get();
        return s != null
                && s.getFaultsList().stream()
                        .anyMatch(
                                f -> f.hasDelay() && f.getDelay().getPeersList().contains(peer));
    }

    public ReadOnlyStringProperty warmUpProperty() {
        return warmUp.getReadOnlyProperty();
    }

    void process(NodeProcess p) {
        processState.set(p);
    }

    static String formatUptime(long ms) {
        long s = ms / 1000;
        if (s < 60) {
            return s + " s";
        }
        if (s < 3600) {
            return String.format(java.util.Locale.ROOT, "%d:%02d", s / 60, s % 60);
        }
        return String.format(java.util.Locale.ROOT, "%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
    }
}
