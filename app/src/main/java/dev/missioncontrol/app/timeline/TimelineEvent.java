package dev.missioncontrol.app.timeline;

import dev.missioncontrol.styles.Status;

/**
 * One thing that happened to the cluster, on the shared time axis.
 *
 * @param atMillis wall-clock time it happened (or began)
 * @param endMillis when a lasting event (a node down) ended; 0 while it lasts, equal to {@code atMillis} for instants
 * @param ref what the event is about: a query id for decisions, a node id for nodes, a fault id for faults, else empty
 * @param markMillis a moment within a lasting event that is marked on its bar (a fault's confirmation), or 0
 */
public record TimelineEvent(
        long atMillis,
        long endMillis,
        Kind kind,
        String label,
        String detail,
        Status status,
        String ref,
        long markMillis) {

    public TimelineEvent(
            long atMillis, long endMillis, Kind kind, String label, String detail, Status status, String ref) {
        this(atMillis, endMillis, kind, label, detail, status, ref, 0);
    }

    /** Rows of the timeline, top to bottom. */
    public enum Kind {
        ELECTION("Elections"),
        LEADER("Leader"),
        NODE("Nodes"),
        FAULT("Faults"),
        DECISION("Decisions");

        private final String row;

        Kind(String row) {
            this.row = row;
        }

        public String row() {
            return row;
        }
    }

    public static TimelineEvent instant(long at, Kind kind, String label, String detail, Status status, String ref) {
        return new TimelineEvent(at, at, kind, label, detail, status, ref);
    }

    public boolean lasting() {
        return endMillis != atMillis;
    }

    public TimelineEvent endedAt(long end) {
        return new TimelineEvent(atMillis, end, kind, label, detail, status, ref, markMillis);
    }
}
