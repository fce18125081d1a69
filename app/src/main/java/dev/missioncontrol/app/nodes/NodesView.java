package dev.missioncontrol.app.nodes;

import dev.missioncontrol.app.console.Fx;
import dev.missioncontrol.styles.Theme;
import java.util.ArrayList;
import java.util.List;
import javafx.beans.property.ObjectProperty;
import javafx.geometry.Insets;
import javafx.scene.control.ContextMenu;
import javafx.scene.control.MenuItem;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.SeparatorMenuItem;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

/**
 * The left column, always visible: one tile per node and the topology drawing, so an operator never switches tabs to
 * know who leads. Tile context menus carry the supervisor's actions.
 */
public final class NodesView extends VBox {
    /** What the tiles' menus do; each action runs off the FX thread and reports in place. */
    public interface Actions {
        void kill(String node);

        void stop(String node);

        void restart(String node);

        /** Brings back a node whose Raft data is damaged: set aside, started empty, refilled from the leader. */
        void rebuild(String node);

        void showLog(String node);
    }

    private final List<NodeTile> tiles = new ArrayList<>();

    public NodesView(NodesViewModel model, ObjectProperty<Theme> theme, Actions actions) {
        super(8);
        setId("nodes");
        getStyleClass().add("panel");
        setPadding(new Insets(8));
        VBox list = new VBox(8);
        for (NodeViewModel n : model.nodes()) {
            NodeTile t = new NodeTile(n, theme.get(), menu(n.id(), model.supervised(), actions));
            tiles.add(t);
            list.getChildren().add(t.view());
        }
        theme.addListener((o, a, b) -> tiles.forEach(t -> t.theme(b)));
        ScrollPane scroll = new ScrollPane(list);
        scroll.setFitToWidth(true);
        scroll.setHbarPolicy(ScrollPane.ScrollBarPolicy.NEVER);
        VBox.setVgrow(scroll, Priority.ALWAYS);
        getChildren()
                .addAll(
                        Fx.label("NODES  (right-click a tile for actions)", "section-title"),
                        scroll,
                        Fx.label("TOPOLOGY", "section-title"),
                        new TopologyView(model));
    }

    private static ContextMenu menu(String id, boolean supervised, Actions actions) {
        MenuItem kill = item("Kill " + id + " (SIGKILL)", () -> actions.kill(id));
        MenuItem stop = item("Stop " + id, () -> actions.stop(id));
        MenuItem restart = item("Restart " + id, () -> actions.restart(id));
        MenuItem rebuild = item("Rebuild " + id + " from the leader (damaged data)", () -> actions.rebuild(id));
        MenuItem log = item("Show " + id + "'s log", () -> actions.showLog(id));
        kill.setId("kill-" + id);
        restart.setId("restart-" + id);
        rebuild.setId("rebuild-" + id);
        for (MenuItem m : List.of(kill, stop, restart, rebuild)) {
            m.setDisable(!supervised);
        }
        return new ContextMenu(kill, stop, restart, rebuild, new SeparatorMenuItem(), log);
    }

    private static MenuItem item(String text, Runnable r) {
        MenuItem m = new MenuItem(text);
        m.setOnAction(e -> r.run());
        return m;
    }
}
