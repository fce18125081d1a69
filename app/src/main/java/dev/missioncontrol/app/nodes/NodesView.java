package dev.missioncontrol.app.nodes;

import dev.missioncontrol.app.console.Fx;
import dev.missioncontrol.styles.Theme;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import javafx.beans.property.ObjectProperty;
import javafx.geometry.Insets;
import javafx.scene.control.ContextMenu;
import javafx.scene.control.MenuItem;
import javafx.scene.control.ScrollPane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

/**
 * The left column, always visible: one tile per node and the topology drawing, so an operator never switches tabs to
 * know who leads. A tile's context menu carries every node action and fault (built by the faults feature's node
 * actions, given here as a function of the node id).
 */
public final class NodesView extends VBox {
    private final List<NodeTile> tiles = new ArrayList<>();

    public NodesView(NodesViewModel model, ObjectProperty<Theme> theme, Function<String, List<MenuItem>> menu) {
        super(8);
        setId("nodes");
        getStyleClass().add("panel");
        setPadding(new Insets(8));
        VBox list = new VBox(8);
        for (NodeViewModel n : model.nodes()) {
            NodeTile t = new NodeTile(
                    n, theme.get(), new ContextMenu(menu.apply(n.id()).toArray(MenuItem[]::new)));
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
}
