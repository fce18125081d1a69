package dev.missioncontrol.app.timeline;

import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * Every event on the console's time axis, oldest first, and the one the operator selected. FX thread only: the other
 * view-models add events while they apply their coalesced updates.
 */
public final class TimelineModel {
    private static final int MAX_EVENTS = 5_000;

    private final ObservableList<TimelineEvent> events = FXCollections.observableArrayList();
    private final ObjectProperty<TimelineEvent> selected = new SimpleObjectProperty<>();
    private final long startedAt;

    public TimelineModel(long startedAt) {
        this.startedAt = startedAt;
    }

    public long startedAt() {
        return startedAt;
    }

    public ObservableList<TimelineEvent> events() {
        return events;
    }

    public void add(TimelineEvent e) {
        if (events.size() == MAX_EVENTS) {
            events.remove(0);
        }
        events.add(e);
    }

    /** Adds an event, or replaces the one of the same kind and ref (a fault's bar as it is confirmed and healed). */
    public void put(TimelineEvent e) {
        for (int i = events.size() - 1; i >= 0; i--) {
            TimelineEvent old = events.get(i);
            if (old.kind() == e.kind() && old.ref().equals(e.ref())) {
                events.set(i, e);
                if (old.equals(selected.get())) {
                    selected.set(e);
                }
                return;
            }
        }
        add(e);
    }

    /** Ends the latest still-open lasting event of this kind and ref (a node coming back). */
    public void end(TimelineEvent.Kind kind, String ref, long at) {
        for (int i = events.size() - 1; i >= 0; i--) {
            TimelineEvent e = events.get(i);
            if (e.kind() == kind && e.ref().equals(ref) && e.endMillis() == 0) {
                events.set(i, e.endedAt(at));
                return;
            }
        }
    }

    public ReadOnlyObjectProperty<TimelineEvent> selectedProperty() {
        return selected;
    }

    public void select(TimelineEvent e) {
        selected.set(e);
    }
}
