package dev.missioncontrol.app.logs;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.collections.transformation.FilteredList;

/**
 * Every node's output, searchable and filterable by node and level. Lines arrive on the supervisor's reader threads
 * into a queue; {@link #apply()} moves them into the list on the FX thread at the pulse. Keeps the newest
 * {@value #MAX_LINES} lines; the node log files keep everything.
 */
public final class LogsViewModel {
    static final int MAX_LINES = 20_000;
    public static final String ALL_NODES = "all nodes";

    private final ConcurrentLinkedQueue<LogLine> pending = new ConcurrentLinkedQueue<>();
    private final AtomicLong seq = new AtomicLong();
    private final ObservableList<LogLine> lines = FXCollections.observableArrayList();
    private final FilteredList<LogLine> visible = new FilteredList<>(lines);
    private final StringProperty search = new SimpleStringProperty("");
    private final StringProperty node = new SimpleStringProperty(ALL_NODES);
    private final ObjectProperty<String> minLevel = new SimpleObjectProperty<>("DEBUG");
    private final boolean available;

    /** @param available false for an attached cluster, whose output is wherever its nodes run */
    public LogsViewModel(boolean available) {
        this.available = available;
        search.addListener((o, a, b) -> refilter());
        node.addListener((o, a, b) -> refilter());
        minLevel.addListener((o, a, b) -> refilter());
    }

    public boolean available() {
        return available;
    }

    /** Any thread. */
    public void onOutput(String nodeId, String text) {
        pending.add(LogLine.parse(seq.incrementAndGet(), nodeId, text));
    }

    /** FX thread. */
    public void apply() {
        if (pending.isEmpty()) {
            return;
        }
        java.util.List<LogLine> batch = new java.util.ArrayList<>();
        LogLine l;
        while ((l = pending.poll()) != null) {
            batch.add(l);
        }
        int overflow = lines.size() + batch.size() - MAX_LINES;
        if (overflow > 0) {
            lines.remove(0, Math.min(overflow, lines.size()));
        }
        lines.addAll(batch.size() > MAX_LINES ? batch.subList(batch.size() - MAX_LINES, batch.size()) : batch);
    }

    public ObservableList<LogLine> all() {
        return lines;
    }

    public FilteredList<LogLine> visible() {
        return visible;
    }

    public StringProperty searchProperty() {
        return search;
    }

    /** A node id or {@link #ALL_NODES}. */
    public StringProperty nodeProperty() {
        return node;
    }

    /** Lowest level shown: DEBUG, INFO, WARN or ERROR. */
    public ObjectProperty<String> minLevelProperty() {
        return minLevel;
    }

    private void refilter() {
        String s = search.get() == null ? "" : search.get().strip();
        String n = node.get();
        int rank = Math.max(0, LogLine.LEVELS.indexOf(minLevel.get()));
        visible.setPredicate(
                line -> (ALL_NODES.equals(n) || line.node().equals(n)) && line.rank() >= rank && line.matches(s));
    }
}
