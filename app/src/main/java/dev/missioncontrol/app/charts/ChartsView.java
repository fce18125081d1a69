package dev.missioncontrol.app.charts;

import javafx.geometry.Insets;
import javafx.scene.chart.LineChart;
import javafx.scene.chart.NumberAxis;
import javafx.scene.chart.XYChart;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

/** Query latency, agreement score and commit rate over time, one chart each on the same time axis (seconds). */
public final class ChartsView extends VBox {
    public ChartsView(ChartsModel model) {
        super(4);
        setId("charts");
        setPadding(new Insets(6));
        getChildren()
                .addAll(
                        chart("Query latency: submission → decision (ms)", model.latency(), false),
                        chart("Agreement: the winner's mean similarity to the other answers", model.agreement(), true),
                        chart("Leader commit rate (entries / s)", model.commitRate(), false));
    }

    private static LineChart<Number, Number> chart(String title, XYChart.Series<Number, Number> s, boolean unit) {
        NumberAxis x = new NumberAxis();
        x.setLabel("seconds since the console started");
        x.setForceZeroInRange(false);
        NumberAxis y = unit ? new NumberAxis(0, 1, 0.1) : new NumberAxis();
        LineChart<Number, Number> c = new LineChart<>(x, y);
        c.setTitle(title);
        c.setAnimated(false);
        c.setCreateSymbols(true);
        c.setLegendVisible(false);
        c.getData().add(s);
        c.setMinHeight(150);
        VBox.setVgrow(c, Priority.ALWAYS);
        return c;
    }
}
