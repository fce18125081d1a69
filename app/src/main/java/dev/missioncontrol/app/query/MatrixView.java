package dev.missioncontrol.app.query;

import dev.missioncontrol.app.console.Fx;
import dev.missioncontrol.app.console.Fx.Terms;
import dev.missioncontrol.app.decision.DecisionFormat;
import dev.missioncontrol.cluster.proto.Decision;
import dev.missioncontrol.cluster.proto.QueryRecord;
import dev.missioncontrol.styles.Theme;
import java.util.Locale;
import javafx.beans.property.ObjectProperty;
import javafx.geometry.Insets;
import javafx.scene.control.Label;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.VBox;
import javafx.scene.paint.Color;

/**
 * The decision's N×N cosine-similarity heatmap with its values, τ and q(n). The winner's row is outlined; values below
 * τ are marked. Cell shades run between the theme's two heat tokens.
 */
public final class MatrixView extends VBox {
    private final ObjectProperty<Theme> theme;
    private final GridPane grid = new GridPane();
    private final Label title = Fx.label("", "title");
    private final Label legend = Fx.label("", "muted");
    private QueryRecord shown;

    public MatrixView(QueryViewModel model, ObjectProperty<Theme> theme) {
        super(10);
        this.theme = theme;
        setId("matrix-view");
        setPadding(new Insets(12));
        grid.setId("matrix");
        legend.setWrapText(true);
        Fx.explain(legend, Terms.TAU + "\n\n" + Terms.QUORUM);
        getChildren().addAll(title, grid, legend);
        model.shownProperty().addListener((o, a, b) -> show(b));
        theme.addListener((o, a, b) -> show(shown));
        show(null);
    }

    private void show(QueryRecord r) {
        shown = r;
        grid.getChildren().clear();
        if (r == null || !r.hasDecision()) {
            title.setText("No decision yet");
            legend.setText("The similarity of every pair of answers appears here after a decision.");
            return;
        }
        Decision d = r.getDecision();
        title.setText("Query " + r.getQuery().getId() + " — " + DecisionFormat.banner(r));
        Fx.status(title, DecisionFormat.status(r));
        int m = d.getNodesCount();
        int w = d.getNodesList().indexOf(d.getWinner());
        Color low = Color.web(theme.get().color("-mc-heat-low"));
        Color high = Color.web(theme.get().color("-mc-heat-high"));
        grid.add(Fx.label("", "matrix-header"), 0, 0);
        for (int j = 0; j < m; j++) {
            grid.add(Fx.label(d.getNodes(j), "matrix-header"), j + 1, 0);
        }
        for (int i = 0; i < m; i++) {
            Label rowHead = Fx.label(d.getNodes(i) + (i == w ? " ★" : ""), "matrix-header");
            if (i == w) {
                rowHead.getStyleClass().add("winner-row");
            }
            grid.add(rowHead, 0, i + 1);
            for (int j = 0; j < m; j++) {
                double v = d.getMatrix(i * m + j);
                Label cell = Fx.label(String.format(Locale.ROOT, "%.3f", v), "matrix-cell");
                cell.setId("cell-" + d.getNodes(i) + "-" + d.getNodes(j));
                Color c = low.interpolate(high, Math.max(0, Math.min(1, v)));
                cell.setStyle("-fx-background-color: " + web(c) + ";");
                if (i != j && v < d.getTau()) {
                    cell.getStyleClass().add("below-tau");
                    cell.setText(cell.getText() + " ▲");
                }
                if (i == w) {
                    cell.getStyleClass().add("winner-row");
                }
                Fx.explain(
                        cell,
                        String.format(
                                Locale.ROOT,
                                "cos(%s, %s) = %.4f — %s τ = %.2f",
                                d.getNodes(i),
                                d.getNodes(j),
                                v,
                                v >= d.getTau() ? "at or above" : "below",
                                d.getTau()));
                grid.add(cell, j + 1, i + 1);
            }
        }
        StringBuilder sb = new StringBuilder(String.format(
                Locale.ROOT,
                "τ = %.2f · q(%d) = %d · winner %s",
                d.getTau(),
                d.getClusterSize(),
                d.getQuorum(),
                d.getWinner().isEmpty() ? "none" : d.getWinner()));
        if (w >= 0 && w < d.getScoresCount()) {
            sb.append(String.format(Locale.ROOT, " (mean similarity %.3f)", d.getScores(w)));
        }
        sb.append(" · agreeing: ")
                .append(d.getAgreeingCount() == 0 ? "none" : String.join(" ", d.getAgreeingList()))
                .append(" · ▲ marks a pair below τ");
        if (m < d.getClusterSize()) {
            sb.append(" · ").append(d.getClusterSize() - m).append(" node(s) did not answer and are not in the matrix");
        }
        legend.setText(sb.toString());
    }

    private static String web(Color c) {
        return String.format(
                Locale.ROOT,
                "#%02x%02x%02x",
                (int) Math.round(c.getRed() * 255),
                (int) Math.round(c.getGreen() * 255),
                (int) Math.round(c.getBlue() * 255));
    }
}
