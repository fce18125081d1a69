package dev.missioncontrol.app.timeline;

import dev.missioncontrol.app.console.Fx;
import dev.missioncontrol.styles.Status;
import dev.missioncontrol.styles.Theme;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.function.LongSupplier;
import javafx.beans.property.ObjectProperty;
import javafx.collections.ListChangeListener;
import javafx.geometry.Insets;
import javafx.geometry.VPos;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.control.Label;
import javafx.scene.layout.Pane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.scene.paint.Color;
import javafx.scene.text.Font;
import javafx.scene.text.TextAlignment;

/**
 * The shared time axis along the bottom: elections, leader changes, nodes down (bars from onset to recovery) and every
 * decision (dots in their status colour). Follows the present until the operator pans; the wheel zooms, dragging pans,
 * a double-click returns to live, a click on an event shows its detail (and reopens a decision).
 */
public final class TimelineView extends VBox {
    private static final DateTimeFormatter CLOCK =
            DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());
    private static final DateTimeFormatter PRECISE =
            DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneId.systemDefault());
    private static final double LABEL_WIDTH = 78;
    /** A confirmation tick closer than this to a bar's start would cross its label. */
    private static final double MARK_CLEARANCE = 80;

    private static final double ROW = 22;

    private final TimelineModel model;
    private final ObjectProperty<Theme> theme;
    private final LongSupplier clock;
    private final Canvas canvas = new Canvas();
    private final Label detail = Fx.label("", "timeline-detail", "mono");
    private double spanMillis = 2 * 60_000;
    private long end;
    private boolean follow = true;
    private boolean dirty = true;
    private long drawnAt;
    private double dragX = Double.NaN;

    public TimelineView(TimelineModel model, ObjectProperty<Theme> theme, LongSupplier clock) {
        this.model = model;
        this.theme = theme;
        this.clock = clock;
        setId("timeline");
        getStyleClass().add("timeline");
        setPadding(new Insets(4, 8, 4, 8));
        Pane holder = new Pane(canvas);
        holder.setMinHeight(ROW * TimelineEvent.Kind.values().length + 22);
        canvas.widthProperty().bind(holder.widthProperty());
        canvas.heightProperty().bind(holder.heightProperty());
        canvas.widthProperty().addListener((o, a, b) -> dirty = true);
        canvas.heightProperty().addListener((o, a, b) -> dirty = true);
        VBox.setVgrow(holder, Priority.ALWAYS);
        detail.setId("timeline-detail");
        detail.setText("Click an event for its detail · wheel: zoom · drag: pan · double-click: back to live");
        getChildren().addAll(holder, detail);
        model.events().addListener((ListChangeListener<TimelineEvent>) c -> dirty = true);
        theme.addListener((o, a, b) -> dirty = true);
        model.selectedProperty().addListener((o, a, b) -> {
            dirty = true;
            if (b != null) {
                detail.setText(PRECISE.format(Instant.ofEpochMilli(b.atMillis())) + "  "
                        + b.kind().row() + "  "
                        + b.detail()
                        + (b.lasting() && b.endMillis() > 0
                                ? "  (lasted " + (b.endMillis() - b.atMillis()) / 1000.0 + " s)"
                                : b.lasting() ? "  (ongoing)" : ""));
            }
        });
        canvas.setOnScroll(e -> {
            double factor = e.getDeltaY() > 0 ? 1 / 1.25 : 1.25;
            spanMillis = Math.max(10_000, Math.min(6 * 3600_000.0, spanMillis * factor));
            dirty = true;
        });
        canvas.setOnMousePressed(e -> dragX = e.getX());
        canvas.setOnMouseDragged(e -> {
            if (!Double.isNaN(dragX)) {
                double dx = e.getX() - dragX;
                dragX = e.getX();
                follow = false;
                end -= (long) (dx / plotWidth() * spanMillis);
                dirty = true;
            }
        });
        canvas.setOnMouseClicked(e -> {
            if (e.getClickCount() == 2) {
                follow = true;
                dirty = true;
            } else if (e.isStillSincePress()) {
                TimelineEvent hit = hit(e.getX(), e.getY());
                if (hit != null) {
                    model.select(hit);
                }
            }
        });
    }

    /** Redraws if something changed or the view follows the present; call at the console's pulse. */
    public void pulse() {
        long now = clock.getAsLong();
        // Following the present moves the axis by a pixel or so a second: twice a second is smooth enough.
        if (follow && now - drawnAt >= 500) {
            end = now + (long) (spanMillis * 0.03);
            dirty = true;
        }
        if (dirty) {
            draw();
            drawnAt = now;
            dirty = false;
        }
    }

    private double plotWidth() {
        return Math.max(1, canvas.getWidth() - LABEL_WIDTH - 8);
    }

    private double x(long t) {
        return LABEL_WIDTH + (t - (end - spanMillis)) / spanMillis * plotWidth();
    }

    private double rowY(TimelineEvent.Kind k) {
        return 4 + k.ordinal() * ROW + ROW / 2;
    }

    private TimelineEvent hit(double px, double py) {
        TimelineEvent best = null;
        double bestD = 8;
        for (TimelineEvent e : model.events()) {
            if (Math.abs(rowY(e.kind()) - py) > ROW / 2) {
                continue;
            }
            double x0 = x(e.atMillis());
            double x1 = e.lasting() ? x(e.endMillis() == 0 ? clock.getAsLong() : e.endMillis()) : x0;
            double d = px < x0 ? x0 - px : px > x1 ? px - x1 : 0;
            if (d <= bestD) {
                bestD = d;
                best = e;
            }
        }
        return best;
    }

    private Color c(String token) {
        return Color.web(theme.get().color(token));
    }

    private void draw() {
        GraphicsContext g = canvas.getGraphicsContext2D();
        double w = canvas.getWidth(), h = canvas.getHeight();
        g.setFill(c("-mc-surface"));
        g.fillRect(0, 0, w, h);
        g.setFont(Font.font("Monospaced", 11));
        g.setTextBaseline(VPos.CENTER);
        long start = end - (long) spanMillis;
        for (TimelineEvent.Kind k : TimelineEvent.Kind.values()) {
            double y = rowY(k);
            g.setStroke(c("-mc-border"));
            g.setLineWidth(1);
            g.strokeLine(LABEL_WIDTH, y, w - 8, y);
            g.setFill(c("-mc-fg-muted"));
            g.setTextAlign(TextAlignment.LEFT);
            g.fillText(k.row(), 2, y);
        }
        double axisY = 4 + TimelineEvent.Kind.values().length * ROW + 8;
        long tick = tickMillis(spanMillis);
        g.setTextAlign(TextAlignment.CENTER);
        for (long t = (start / tick + 1) * tick; t < end; t += tick) {
            double xx = x(t);
            g.setStroke(c("-mc-border"));
            g.strokeLine(xx, 4, xx, axisY - 6);
            g.setFill(c("-mc-fg-muted"));
            g.fillText(CLOCK.format(Instant.ofEpochMilli(t)), xx, axisY);
        }
        long now = clock.getAsLong();
        double nowX = x(now);
        if (nowX >= LABEL_WIDTH && nowX <= w) {
            g.setStroke(c("-mc-accent"));
            g.setLineWidth(1.5);
            g.strokeLine(nowX, 2, nowX, axisY - 6);
        }
        TimelineEvent selected = model.selectedProperty().get();
        for (TimelineEvent e : model.events()) {
            long to = e.lasting() ? (e.endMillis() == 0 ? now : e.endMillis()) : e.atMillis();
            if (to < start || e.atMillis() > end) {
                continue;
            }
            Color col = c(e.status().token());
            double y = rowY(e.kind());
            double x0 = Math.max(LABEL_WIDTH, x(e.atMillis()));
            if (e.lasting()) {
                double x1 = Math.min(w - 8, x(to));
                g.setFill(col.deriveColor(0, 1, 1, 0.55));
                g.fillRect(x0, y - 7, Math.max(3, x1 - x0), 14);
                double labelX = x0 + 4;
                if (e.markMillis() > 0 && e.markMillis() >= start && e.markMillis() <= end) {
                    // The moment the cluster was seen to react (a fault's confirmation): a tick across the bar.
                    double xm = x(e.markMillis());
                    g.setStroke(c("-mc-fg"));
                    g.setLineWidth(2);
                    g.strokeLine(xm, y - 9, xm, y + 9);
                    if (xm >= x0 && xm - x0 < MARK_CLEARANCE) {
                        labelX = xm + 4; // a tick near the start would cross the label: begin it after the tick
                    }
                }
                g.setFill(c("-mc-fg"));
                g.setTextAlign(TextAlignment.LEFT);
                g.fillText(e.label(), labelX, y);
            } else {
                g.setFill(col);
                mark(g, e, x0, y);
            }
            if (e.equals(selected)) {
                g.setStroke(c("-mc-accent"));
                g.setLineWidth(2);
                g.strokeOval(x0 - 8, y - 8, 16, 16);
            }
        }
        if (!follow) {
            g.setFill(c("-mc-caution"));
            g.setTextAlign(TextAlignment.RIGHT);
            g.fillText("paused — double-click for live", w - 10, 10);
        }
    }

    /** Each status keeps its shape on the timeline too: ● normal, ◆ caution, ▲ serious, ■ critical. */
    private static void mark(GraphicsContext g, TimelineEvent e, double x, double y) {
        Status s = e.status();
        switch (s) {
            case CRITICAL -> g.fillRect(x - 5, y - 5, 10, 10);
            case SERIOUS -> g.fillPolygon(new double[] {x - 6, x + 6, x}, new double[] {y + 5, y + 5, y - 6}, 3);
            case CAUTION -> g.fillPolygon(new double[] {x - 6, x, x + 6, x}, new double[] {y, y - 6, y, y + 6}, 4);
            default -> g.fillOval(x - 5, y - 5, 10, 10);
        }
    }

    private static long tickMillis(double span) {
        long[] steps = {1_000, 5_000, 10_000, 30_000, 60_000, 300_000, 600_000, 1_800_000, 3_600_000};
        for (long s : steps) {
            if (span / s <= 10) {
                return s;
            }
        }
        return 3_600_000;
    }
}
