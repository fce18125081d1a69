package dev.missioncontrol.app.query;

import dev.missioncontrol.app.console.ClusterGateway;
import dev.missioncontrol.app.decision.DecisionFormat;
import dev.missioncontrol.app.timeline.TimelineEvent;
import dev.missioncontrol.app.timeline.TimelineModel;
import dev.missioncontrol.cluster.client.ClusterClient.Submission;
import dev.missioncontrol.cluster.proto.Answer;
import dev.missioncontrol.cluster.proto.LogEntryView;
import dev.missioncontrol.cluster.proto.QueryRecord;
import dev.missioncontrol.knowledge.rag.Questions;
import dev.missioncontrol.styles.Status;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import java.util.function.LongSupplier;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The question field, the running query's progress, the decision on display and the decision history. Commands
 * ({@link #submit()}, {@link #reopen(String)}, {@link #export(Path)}) never block: results come back through the
 * {@code fx} executor, which is the FX thread in the console and the calling thread in unit tests.
 */
public final class QueryViewModel {
    private final ClusterGateway cluster;
    private final String origin;
    private final TimelineModel timeline;
    private final Executor fx;
    private final LongSupplier clock;
    private final StringProperty question = new SimpleStringProperty("");
    private final ReadOnlyBooleanWrapper busy = new ReadOnlyBooleanWrapper();
    private final ReadOnlyStringWrapper error = new ReadOnlyStringWrapper("");
    private final ReadOnlyObjectWrapper<QueryProgress> progress = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyObjectWrapper<QueryRecord> shown = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyObjectWrapper<QueryRecord> latest = new ReadOnlyObjectWrapper<>();
    private final ObservableList<QueryRecord> history = FXCollections.observableArrayList();
    private final ObservableList<String> asked = FXCollections.observableArrayList();
    private final List<String> examples;
    private final BooleanBinding canSubmit;
    private final List<BiConsumer<QueryRecord, Long>> decidedListeners = new ArrayList<>();
    private final Map<String, QueryRecord> known = new HashMap<>();
    private long submittedAt;
    /** Until the operator asks or reopens something here, the decision on display is the cluster's newest. */
    private boolean following = true;

    /** @param origin who asks from here, shown with each decision to everyone who watches ("console root@ops-1") */
    public QueryViewModel(
            ClusterGateway cluster,
            TimelineModel timeline,
            List<String> examples,
            String origin,
            Executor fx,
            LongSupplier clock) {
        this.cluster = cluster;
        this.origin = origin;
        this.timeline = timeline;
        this.examples = List.copyOf(examples);
        this.fx = fx;
        this.clock = clock;
        this.canSubmit = Bindings.createBooleanBinding(
                () -> !busy.get() && Questions.problem(question.get()) == null, busy, question);
    }

    public StringProperty questionProperty() {
        return question;
    }

    /** False while a query runs, and for an empty or too long question. */
    public BooleanBinding canSubmitProperty() {
        return canSubmit;
    }

    public ReadOnlyBooleanProperty busyProperty() {
        return busy.getReadOnlyProperty();
    }

    /** Why the last submission failed (no quorum, no decision in time), or empty. */
    public ReadOnlyStringProperty errorProperty() {
        return error.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<QueryProgress> progressProperty() {
        return progress.getReadOnlyProperty();
    }

    /** The decision on display: the latest, or one reopened from the history. */
    public ReadOnlyObjectProperty<QueryRecord> shownProperty() {
        return shown.getReadOnlyProperty();
    }

    /** The newest decision the cluster made, whoever asked (the status bar's). */
    public ReadOnlyObjectProperty<QueryRecord> latestProperty() {
        return latest.getReadOnlyProperty();
    }

    /** Decided queries, newest first: every decision in the log, whoever asked. */
    public ObservableList<QueryRecord> history() {
        return history;
    }

    /** Questions asked in this console, newest first, without repeats. */
    public ObservableList<String> asked() {
        return asked;
    }

    public List<String> examples() {
        return examples;
    }

    /** Called with each decision of a query submitted here, and the time from submission to decision. */
    public void onDecided(BiConsumer<QueryRecord, Long> listener) {
        decidedListeners.add(listener);
    }

    /**
     * Submits the question. Returns false (and says why in {@link #errorProperty()}) when it cannot be submitted: empty,
     * too long, or another query still running.
     */
    public boolean submit() {
        String q = question.get() == null ? "" : question.get().strip();
        if (q.isEmpty()) {
            error.set("Type a question first.");
            return false;
        }
        if (Questions.problem(q) != null) {
            error.set(Questions.problem(q));
            return false;
        }
        if (busy.get()) {
            error.set("Query " + progress.get().queryId() + " is still running; wait for its decision.");
            return false;
        }
        Submission s;
        try {
            s = cluster.submit(q, origin);
        } catch (RuntimeException e) {
            error.set(e.getMessage());
            return false;
        }
        error.set("");
        following = false;
        busy.set(true);
        submittedAt = clock.getAsLong();
        progress.set(QueryProgress.submitted(q, s.queryId()));
        asked.remove(q);
        asked.add(0, q);
        String id = s.queryId();
        s.committed()
                .thenAccept(index -> fx.execute(() -> {
                    if (isCurrent(id)) {
                        progress.set(progress.get().committed(clock.getAsLong() - submittedAt));
                    }
                }));
        s.decided()
                .whenComplete((record, failure) -> fx.execute(() -> {
                    if (failure != null) {
                        failed(id, failure);
                    } else {
                        decided(record);
                    }
                }));
        return true;
    }

    /** Answer entries seen in the nodes' recent logs: marks each node's answer to the running query as it arrives. */
    public void entries(List<LogEntryView> entries) {
        QueryProgress p = progress.get();
        if (p == null || !p.running()) {
            return;
        }
        for (LogEntryView e : entries) {
            if ("ANSWER".equals(e.getType()) && e.getQueryId().equals(p.queryId())) {
                p = p.answered(e.getNodeId(), clock.getAsLong() - submittedAt);
            }
        }
        if (p != progress.get()) {
            progress.set(p);
        }
    }

    private boolean isCurrent(String id) {
        return progress.get() != null && progress.get().queryId().equals(id);
    }

    private void failed(String id, Throwable failure) {
        Throwable c = failure;
        while (c instanceof CompletionException && c.getCause() != null) {
            c = c.getCause();
        }
        String why = c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
        if (isCurrent(id)) {
            progress.set(progress.get().failed(why));
        }
        busy.set(false);
        error.set(why);
        timeline.add(TimelineEvent.instant(
                clock.getAsLong(),
                TimelineEvent.Kind.DECISION,
                "failed",
                "query " + id + " failed: " + why,
                Status.CRITICAL,
                id));
    }

    private void decided(QueryRecord r) {
        long elapsed = clock.getAsLong() - submittedAt;
        String id = r.getQuery().getId();
        if (isCurrent(id)) {
            Map<String, Long> exact = new LinkedHashMap<>();
            for (Answer a : r.getAnswersList()) {
                exact.put(a.getNodeId(), Math.round(a.getLatencyMillis()));
            }
            progress.set(progress.get().decided(elapsed, exact));
        }
        busy.set(false);
        add(r);
        shown.set(known.getOrDefault(id, r));
        decidedListeners.forEach(l -> l.accept(r, elapsed));
    }

    /**
     * A decided record as the log holds it now — a new decision, or one changed by a dispute or a late answer — from
     * this console, another one, the CLI or a script. Any thread: applied on the {@code fx} executor.
     */
    public void record(QueryRecord r) {
        fx.execute(() -> add(r));
    }

    private void add(QueryRecord r) {
        if (!r.hasDecision()) {
            return;
        }
        String id = r.getQuery().getId();
        QueryRecord before = known.get(id);
        if (before != null) {
            if (before.equals(r) || r.getChangedIndex() < before.getChangedIndex()) {
                return; // the same, or older than what is shown (the stream was faster than the submitter's wait)
            }
            known.put(id, r);
            int at = history.indexOf(before);
            if (at >= 0) {
                history.set(at, r);
            }
            if (shown.get() == before) {
                shown.set(r); // a dispute or a late answer reaches the decision on display
            }
            if (latest.get() == before) {
                latest.set(r);
            }
            if (DecisionFormat.disputed(r) && !DecisionFormat.disputed(before)) {
                timeline.add(TimelineEvent.instant(
                        clock.getAsLong(),
                        TimelineEvent.Kind.DECISION,
                        "DISPUTED",
                        id + ": " + DecisionFormat.verdict(r),
                        Status.CRITICAL,
                        id));
            } else if (r.getDisputesCount() > before.getDisputesCount()) {
                timeline.add(TimelineEvent.instant(
                        clock.getAsLong(),
                        TimelineEvent.Kind.DECISION,
                        "DISPUTE",
                        id + ": " + String.join("; ", DecisionFormat.minorityDisputes(r)),
                        Status.CAUTION,
                        id));
            }
            return;
        }
        known.put(id, r);
        history.add(0, r);
        latest.set(r);
        var d = r.getDecision();
        long at = r.getQuery().getSubmittedAtMillis() + d.getDecidedAfterMillis();
        timeline.add(TimelineEvent.instant(
                Math.max(at, r.getQuery().getSubmittedAtMillis()),
                TimelineEvent.Kind.DECISION,
                DecisionFormat.title(d),
                id + " " + DecisionFormat.banner(d) + " — \"" + r.getQuery().getText() + "\""
                        + (r.getQuery().getOrigin().isEmpty()
                                ? ""
                                : " (asked by " + r.getQuery().getOrigin() + ")"),
                DecisionFormat.status(r),
                id));
        if (following) {
            shown.set(r);
        }
    }

    /** Shows a past decision again, with its answers and matrix. Returns false for an unknown id. */
    public boolean reopen(String queryId) {
        for (QueryRecord r : history) {
            if (r.getQuery().getId().equals(queryId)) {
                following = false;
                shown.set(r);
                return true;
            }
        }
        return false;
    }

    /** Writes the whole history to a .json or .csv file (the extension chooses), oldest first. FX thread. */
    public void export(Path file) throws IOException {
        export(file, List.copyOf(history));
    }

    /** Writes decisions (newest first, as {@link #history()} holds them) oldest first. Any thread. */
    public void export(Path file, List<QueryRecord> newestFirst) throws IOException {
        List<QueryRecord> oldestFirst = new ArrayList<>(newestFirst);
        java.util.Collections.reverse(oldestFirst);
        DecisionFormat.export(oldestFirst, file);
    }
}
