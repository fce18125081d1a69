package dev.missioncontrol.app.nodes;

import dev.missioncontrol.app.console.Fx;
import dev.missioncontrol.styles.Status;
import java.util.List;
import javafx.scene.layout.Pane;
import javafx.scene.shape.Circle;
import javafx.scene.shape.Line;
import javafx.scene.text.Text;

/**
 * The cluster as a drawing: nodes on a circle, the leader's replication links to every follower. A link to a node
 * that is down is dashed grey; a link a node reports cut (its probes across fail) is dashed in the serious colour, a
 * slow one in the caution colour; colours come from the status classes. Redrawn when a node's health, role or links, or the
 * leader changes.
 */
final class TopologyView extends Pane {
    private final NodesViewModel model;

    TopologyView(NodesViewModel model) {
        this.model = model;
        setId("topology");
        getStyleClass().add("topology");
        setMinHeight(150);
        setPrefHeight(170);
        model.leaderProperty().addListener((o, a, b) -> draw());
        model.nodes().forEach(n -> {
            n.healthProperty().addListener((o, a, b) -> draw());
            n.roleProperty().addListener((o, a, b) -> draw());
            n.linksProperty().addListener((o, a, b) -> draw());
        });
        widthProperty().addListener((o, a, b) -> draw());
        heightProperty().addListener((o, a, b) -> draw());
        Fx.explain(
                this,
                "Replication links: the leader sends every entry to each follower. Grey dashes: a node is down or"
                        + " unreachable. Amber dashes: the link is cut (a partition). Yellow dashes: the link is slow.");
    }

    private void draw() {
        getChildren().clear();
        List<NodeViewModel> nodes = model.nodes();
        int n = nodes.size();
        double w = getWidth() <= 0 ? 220 : getWidth();
        double h = getHeight() <= 0 ? 170 : getHeight();
        double cx = w / 2, cy = h / 2, r = Math.min(w, h) / 2 - 26;
        double[] x = new double[n], y = new double[n];
        for (int i = 0; i < n; i++) {
            double a = -Math.PI / 2 + 2 * Math.PI * i / n;
            x[i] = cx + r * Math.cos(a);
            y[i] = cy + r * Math.sin(a);
        }
        int leader = -1;
        for (int i = 0; i < n; i++) {
            if (nodes.get(i).leaderProperty().get()) {
                leader = i;
            }
        }
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                boolean replication = i == leader || j == leader;
                Line l = new Line(x[i], y[i], x[j], y[j]);
                l.getStyleClass().add("topo-link");
                NodeViewModel a = nodes.get(i), b = nodes.get(j);
                boolean reported = a.reporting() && b.reporting();
                if (reported && (!a.reaches(b.id()) || !b.reaches(a.id()))) {
                    l.getStyleClass().add("cut");
                } else if (!a.up() || !b.up()) {
                    l.getStyleClass().add("down");
                } else if (a.slowTo(b.id()) || b.slowTo(a.id())) {
                    l.getStyleClass().add("slow");
                } else if (replication) {
                    l.getStyleClass().add("replication");
                }
                getChildren().add(l);
            }
        }
        for (int i = 0; i < n; i++) {
            NodeViewModel vm = nodes.get(i);
            Circle c = new Circle(x[i], y[i], i == leader ? 15 : 12);
            c.getStyleClass().add("topo-node");
            Fx.status(c, vm.health());
            if (i == leader) {
                c.getStyleClass().add("leader");
            }
            Text t = new Text(vm.id());
            t.getStyleClass().add("topo-label");
            t.setX(x[i] - 8);
            t.setY(y[i] + 4);
            Text g = new Text(
                    i == leader
                            ? "★"
                            : vm.health() == Status.NORMAL ? "" : vm.health().glyph());
            g.getStyleClass().add("topo-glyph");
            g.setX(x[i] + 16);
            g.setY(y[i] - 10);
            getChildren().addAll(c, t, g);
        }
    }
}
