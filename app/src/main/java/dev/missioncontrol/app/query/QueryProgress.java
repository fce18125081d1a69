package dev.missioncontrol.app.query;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How far the running (or last) query got, in milliseconds after it was submitted: committed to the log, answered by
 * each node, decided. -1 for a step not reached. Immutable; each step makes a new one.
 *
 * @param failure what went wrong, in words, or null
 */
public record QueryProgress(
        String question,
        String queryId,
        long committedAfter,
        Map<String, Long> answeredAfter,
        long decidedAfter,
        String failure) {

    public QueryProgress {
        answeredAfter = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(answeredAfter));
    }

    static QueryProgress submitted(String question, String queryId) {
        return new QueryProgress(question, queryId, -1, Map.of(), -1, null);
    }

    QueryProgress committed(long after) {
        return new QueryProgress(question, queryId, after, answeredAfter, decidedAfter, failure);
    }

    QueryProgress answered(String node, long after) {
        if (answeredAfter.containsKey(node)) {
            return this;
        }
        Map<String, Long> m = new LinkedHashMap<>(answeredAfter);
        m.put(node, after);
        return new QueryProgress(question, queryId, committedAfter, m, decidedAfter, failure);
    }

    QueryProgress decided(long after, Map<String, Long> exact) {
        return new QueryProgress(question, queryId, committedAfter, exact, after, failure);
    }

    QueryProgress failed(String why) {
        return new QueryProgress(question, queryId, committedAfter, answeredAfter, decidedAfter, why);
    }

    public boolean running() {
        return decidedAfter < 0 && failure == null;
    }
}
