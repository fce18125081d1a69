package dev.missioncontrol.app.nodes;

import dev.missioncontrol.app.console.Fx;
import dev.missioncontrol.app.console.Fx.Terms;
import dev.missioncontrol.styles.Status;
import dev.missioncontrol.styles.Theme;
import eu.hansolo.tilesfx.Tile;
import eu.hansolo.tilesfx.TileBuilder;
import javafx.geometry.Insets;
import javafx.scene.control.ContextMenu;
import javafx.scene.control.Label;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.scene.paint.Color;

/**
 * One node as a TilesFX tile: role with its status glyph, term, commit and applied index, CPU, RSS, uptime, and why it
 * is unhealthy. The tile's border takes the node's status colour; the leader's tile says LEADER in its title. Right
 * click (or the context-menu key) for the supervisor's actions.
 */
final class NodeTile {
    private final NodeViewModel node;
    private final Tile tile;
    private final Label name = Fx.label("", "node-id");
    private final Label model = Fx.label("", "muted");
    private final Label role = Fx.label("", "role", "status-text");
    private final Label figures = Fx.label("", "figure");
    private final Label process = Fx.label("", "figure");
    private final Label why = Fx.label("", "why");
    private final Label warm = Fx.label("", "figure");
    private Theme theme;
    private String painted = "";

    NodeTile(NodeViewModel node, Theme theme, ContextMenu actions) {
        this.node = node;
        this.theme = theme;
        why.setWrapText(true);
        why.setMaxWidth(200);
        why.setMinHeight(Region.USE_PREF_SIZE);
        model.textProperty().bind(node.modelProperty());
        name.setMinWidth(Region.USE_PREF_SIZE); // the model name is cut short first, never the node's id
        HBox head = new HBox(8, name, model);
        head.setAlignment(javafx.geometry.Pos.BASELINE_LEFT);
        warm.managedProperty().bind(warm.visibleProperty());
        Fx.explain(
                warm,
                "This node is embedding the sentences of its knowledge ahead of the questions, while it answers nothing."
                        + " Until it has, a question about a passage it has not embedded yet takes it longer. Done once"
                        + " per data directory, and again after a document is ingested.");
        VBox body = new VBox(3, head, role, figures, process, warm, why);
        body.setPadding(new Insets(2, 0, 0, 0));
        Fx.explain(figures, Terms.TERM + "\n\n" + Terms.COMMIT);
        Fx.explain(role, Terms.LEADER);
        tile = TileBuilder.create()
                .skinType(Tile.SkinType.CUSTOM)
                .prefSize(236, 128)
                .minSize(200, 120)
                .textVisible(false)
                .graphic(body)
                .roundedCorners(true)
                .animated(false)
                .borderWidth(2)
                .build();
        tile.setId("tile-" + node.id());
        tile.getStyleClass().add("node-tile-fx");
        tile.setOnContextMenuRequested(e -> actions.show(tile, e.getScreenX(), e.getScreenY()));
        HBox.setHgrow(tile, Priority.ALWAYS);
        node.roleProperty().addListener((o, a, b) -> update());
        node.healthProperty().addListener((o, a, b) -> update());
        node.termProperty().addListener((o, a, b) -> update());
        node.indicesProperty().addListener((o, a, b) -> update());
        node.processProperty().addListener((o, a, b) -> update());
        node.uptimeProperty().addListener((o, a, b) -> update());
        node.whyProperty().addListener((o, a, b) -> update());
        node.warmUpProperty().addListener((o, a, b) -> update());
        node.leaderProperty().addListener((o, a, b) -> update());
        update();
    }

    Tile view() {
        return tile;
    }

    void theme(Theme t) {
        this.theme = t;
        update();
    }

    private void update() {
        Status s = node.health();
        boolean up = node.reporting();
        role.setText(s.glyph() + " " + node.role());
        Fx.status(role, s);
        figures.setText(
                up
                        ? "term " + node.termProperty().get() + " · "
                                + node.indicesProperty().get()
                        : "");
        process.setText(
                up
                        ? node.processProperty().get() + " · up "
                                + node.uptimeProperty().get()
                        : "");
        warm.setText(up ? node.warmUpProperty().get() : "");
        warm.setVisible(!warm.getText().isEmpty());
        why.setText(node.whyProperty().get());
        why.setVisible(!why.getText().isEmpty());
        name.setText(node.leaderProperty().get() ? node.id() + " ★" : node.id());
        // A TilesFX tile repaints on every colour change: touch it only when status, leadership or theme change.
        String look = s + "/" + node.leaderProperty().get() + "/" + theme;
        if (!look.equals(painted)) {
            painted = look;
            tile.setBackgroundColor(color("-mc-raised"));
            tile.setForegroundColor(color("-mc-fg"));
            tile.setBorderColor(color(s.token()));
            tile.setBorderWidth(node.leaderProperty().get() ? 3 : 2);
        }
    }

    private Color color(String token) {
        return Color.web(theme.color(token));
    }
}
