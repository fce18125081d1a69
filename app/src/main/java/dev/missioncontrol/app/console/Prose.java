package dev.missioncontrol.app.console;

import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.scene.layout.Region;
import javafx.scene.text.Font;
import javafx.scene.text.Text;

/**
 * A paragraph that wraps at whatever width its parent gives it, for long answer texts.
 *
 * <p>A wrapping {@code Label} lays its whole text out again for every size query, and a layout pass asks each node's
 * height several times (minimum, preferred, at each candidate width), so a few answer cards cost tens of milliseconds
 * of FX thread per decision. This one remembers its height for the last widths it was asked about until its text or
 * font changes, so a decision costs one text layout per card. Its minimum width is small, so it never holds a pane
 * wider than the window. The text node carries the style classes ({@code -fx-fill}, font).
 */
public final class Prose extends Region {
    private static final int REMEMBERED = 4;
    private static final double MIN_WIDTH = 60;
    private static final double PREF_WIDTH = 300;

    /** Measures text off-scene (FX thread only, so one is enough for every paragraph). */
    private static final Text MEASURE = new Text();

    private final Text text = new Text();
    private final double[] widths = new double[REMEMBERED];
    private final double[] heights = new double[REMEMBERED];
    private int remembered;
    private int next;

    public Prose(String... styleClasses) {
        text.getStyleClass().addAll(styleClasses);
        text.textProperty().addListener((o, a, b) -> forget());
        text.fontProperty().addListener((o, a, b) -> forget());
        getChildren().add(text);
    }

    public String getText() {
        return text.getText();
    }

    public void setText(String value) {
        text.setText(value);
    }

    /** The text node, for ids and style classes. */
    public Text textNode() {
        return text;
    }

    private void forget() {
        remembered = 0;
        next = 0;
        requestLayout();
    }

    @Override
    public Orientation getContentBias() {
        return Orientation.HORIZONTAL;
    }

    @Override
    protected double computeMinWidth(double height) {
        return MIN_WIDTH + horizontal();
    }

    @Override
    protected double computePrefWidth(double height) {
        return PREF_WIDTH + horizontal();
    }

    @Override
    protected double computeMinHeight(double width) {
        return computePrefHeight(width);
    }

    @Override
    protected double computePrefHeight(double width) {
        double w = (width < 0 ? PREF_WIDTH : width - horizontal());
        Insets in = getInsets();
        return heightAt(Math.max(1, w)) + in.getTop() + in.getBottom();
    }

    @Override
    protected void layoutChildren() {
        Insets in = getInsets();
        double w = Math.max(1, getWidth() - horizontal());
        if (text.getWrappingWidth() != w) {
            text.setWrappingWidth(w);
        }
        text.relocate(in.getLeft(), in.getTop());
    }

    private double horizontal() {
        Insets in = getInsets();
        return in.getLeft() + in.getRight();
    }

    private double heightAt(double width) {
        for (int i = 0; i < remembered; i++) {
            if (widths[i] == width) {
                return heights[i];
            }
        }
        Font font = text.getFont();
        MEASURE.setFont(font);
        MEASURE.setWrappingWidth(width);
        MEASURE.setText(text.getText());
        MEASURE.setLineSpacing(text.getLineSpacing());
        double h = MEASURE.getLayoutBounds().getHeight();
        MEASURE.setText("");
        widths[next] = width;
        heights[next] = h;
        next = (next + 1) % REMEMBERED;
        remembered = Math.min(REMEMBERED, remembered + 1);
        return h;
    }
}
