package dev.missioncontrol.app.faults;

import dev.missioncontrol.cluster.faults.Fault;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import javafx.scene.control.MenuItem;
import javafx.scene.control.SeparatorMenuItem;

/**
 * Everything an operator can do to one node, declared once: the node tile's menu, the Cluster menu and the faults
 * panel are all built from this list. Process actions need the nodes' processes on this machine; faults inside a node
 * need the cluster's secret; an action this console cannot take is shown disabled.
 */
public final class NodeActions {
    /** One action on a node. {@code group} starts a new section of a menu. */
    public record Action(String id, String label, Kind kind, Consumer<String> run, boolean group) {}

    /** What an action needs. */
    public enum Kind {
        /** The node's process on this machine. */
        PROCESS,
        /** The cluster's secret (a rule inside the node). */
        IN_NODE,
        /** Nothing. */
        VIEW
    }

    private final List<Action> actions = new ArrayList<>();
    private final FaultsViewModel faults;

    /** @param answerDeadlineMillis the query deadline, for the slow-node action that lands past it */
    public NodeActions(FaultsViewModel faults, long answerDeadlineMillis, Consumer<String> showLog) {
        this.faults = faults;
        add("kill", "Kill (SIGKILL)", Kind.PROCESS, n -> faults.inject(new Fault.Kill(List.of(n))), false);
        add(
                "pause",
                "Pause (SIGSTOP, a frozen JVM)",
                Kind.PROCESS,
                n -> faults.inject(new Fault.Pause(List.of(n))),
                false);
        add("resume", "Resume (SIGCONT)", Kind.PROCESS, faults::resume, false);
        add("restart", "Restart", Kind.PROCESS, faults::restart, false);
        add("stop", "Stop", Kind.PROCESS, faults::stop, false);
        add(
                "isolate",
                "Cut off from the others (partition)",
                Kind.IN_NODE,
                n -> faults.inject(new Fault.Partition(List.of(n), List.of())),
                true);
        add(
                "slow-link",
                "Slow link: +200 ms on every round trip",
                Kind.IN_NODE,
                n -> faults.inject(new Fault.SlowLink(List.of(n), 200)),
                false);
        add(
                "slow-node",
                "Slow answers: +2 s",
                Kind.IN_NODE,
                n -> faults.inject(new Fault.SlowNode(List.of(n), 2_000)),
                false);
        int late = (int) Math.min(Fault.MAX_ANSWER_DELAY_MILLIS, answerDeadlineMillis + 2_000);
        add(
                "slow-node-late",
                "Slow answers: +" + late / 1000 + " s (past the " + answerDeadlineMillis / 1000 + " s deadline)",
                Kind.IN_NODE,
                n -> faults.inject(new Fault.SlowNode(List.of(n), late)),
                false);
        byzantine("hallucinate", "Byzantine: hallucinate (fluent, cited, wrong)", true);
        byzantine("garbage", "Byzantine: garbage (nonsense answers)", false);
        byzantine("silent", "Byzantine: silent (alive, never answers)", false);
        byzantine("stale", "Byzantine: stale (repeats an earlier answer)", false);
        byzantine("lying-leader", "Byzantine: lying leader (made leader; false decisions)", false);
        add("rebuild", "Rebuild from the leader (damaged data)", Kind.PROCESS, faults::rebuild, true);
        add("log", "Show log", Kind.VIEW, showLog, true);
    }

    private void byzantine(String kind, String label, boolean group) {
        add(kind, label, Kind.IN_NODE, n -> faults.inject(new Fault.Byzantine(kind, List.of(n))), group);
    }

    private void add(String id, String label, Kind kind, Consumer<String> run, boolean group) {
        actions.add(new Action(id, label, kind, run, group));
    }

    public List<Action> all() {
        return List.copyOf(actions);
    }

    /** Whether this console can take the action at all. */
    public boolean available(Action a) {
        return switch (a.kind()) {
            case PROCESS -> faults.supervises();
            case IN_NODE -> faults.controlsNodes();
            case VIEW -> true;
        };
    }

    /** Menu items for one node, ids {@code <action>-<node>} (kill-n3), disabled where not available. */
    public List<MenuItem> menuItems(String node) {
        List<MenuItem> items = new ArrayList<>();
        for (Action a : actions) {
            if (a.group() && !items.isEmpty()) {
                items.add(new SeparatorMenuItem());
            }
            MenuItem m = new MenuItem(a.label());
            m.setId(a.id() + "-" + node);
            m.setDisable(!available(a));
            m.setOnAction(e -> a.run().accept(node));
            items.add(m);
        }
        return items;
    }
}
