package dev.missioncontrol.app.audit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.missioncontrol.app.console.Fx;
import dev.missioncontrol.cluster.faults.AuditJournal;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Function;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;

/**
 * The audit journal of this cluster, newest first: every fault injected, confirmed, failed, cleared, healed and
 * recovered, every node action and refused request — when, who, what, the outcome — from every console and CLI that
 * worked on it. Read from the journal file (not from memory), so it also shows what happened before this console
 * started; reloaded while the view is on screen.
 */
public final class AuditView extends VBox {
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());

    private final AuditJournal journal;
    private final UUID group;
    private final Executor background;
    private final Executor fx;
    private final ObservableList<JsonNode> events = FXCollections.observableArrayList();
    private final Label count = Fx.label("", "muted");

    /**
     * @param background where the journal file is read (never the FX thread)
     * @param export asks where to write the journal, then writes it (the caller's file chooser)
     */
    public AuditView(AuditJournal journal, UUID group, Executor background, Executor fx, Consumer<Runnable> export) {
        super(8);
        this.journal = journal;
        this.group = group;
        this.background = background;
        this.fx = fx;
        setId("audit");
        setPadding(new Insets(10));
        TableView<JsonNode> table = new TableView<>(events);
        table.setId("audit-table");
        table.setPlaceholder(new Label("Nothing has been done to this cluster yet."));
        table.getColumns()
                .addAll(List.of(
                        column(
                                "time",
                                80,
                                e -> TIME.format(
                                        Instant.ofEpochMilli(e.path("at_millis").asLong()))),
                        column(
                                "who",
                                170,
                                e -> e.path("by").path("tool").asText() + " "
                                        + e.path("by").path("user").asText() + "@"
                                        + e.path("by").path("host").asText()),
                        column("event", 90, e -> e.path("event").asText()),
                        column("what", 200, AuditView::what),
                        column("detail", 460, e -> detail(e))));
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_LAST_COLUMN);
        VBox.setVgrow(table, Priority.ALWAYS);
        Button exportButton = new Button("Export JSON Lines…");
        exportButton.setId("export-audit");
        exportButton.setOnAction(e -> export.accept(this::reload));
        Label hint = Fx.label("Kept in " + journal.file() + "; it survives restarts and crashes.", "muted");
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        HBox bar = new HBox(8, hint, count, spacer, exportButton);
        bar.setAlignment(Pos.CENTER_LEFT);
        getChildren().addAll(bar, table);
    }

    /** Reads the journal again (off the FX thread) and shows it. */
    public void reload() {
        background.execute(() -> {
            List<JsonNode> all = journal.events(group);
            fx.execute(() -> {
                events.setAll(all.reversed());
                count.setText(all.size() + " events");
            });
        });
    }

    private static String what(JsonNode e) {
        JsonNode f = e.path("fault");
        if (!f.isMissingNode()) {
            String id = f.path("id").asText();
            return (id.isEmpty() ? "" : id + " ") + f.path("type").asText() + " "
                    + String.join(",", strings(f.path("nodes")))
                    + (f.has("from") && f.path("from").size() > 0
                            ? " | " + String.join(",", strings(f.path("from")))
                            : "")
                    + (f.has("delay_ms") ? " +" + f.path("delay_ms").asInt() + " ms" : "");
        }
        if (e.has("fault_id")) {
            return e.path("fault_id").asText();
        }
        if (e.has("action")) {
            return e.path("action").asText()
                    + (e.has("node") ? " " + e.path("node").asText() : "");
        }
        if (e.has("faults")) {
            return String.join(", ", strings(e.path("faults")));
        }
        return "";
    }

    private static String detail(JsonNode e) {
        String detail = e.path("detail").asText();
        String outcome = e.path("outcome").asText();
        return outcome.isEmpty() ? detail : detail.isEmpty() ? outcome : outcome + ": " + detail;
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new java.util.ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static TableColumn<JsonNode, String> column(String name, double width, Function<JsonNode, String> value) {
        TableColumn<JsonNode, String> c = new TableColumn<>(name);
        c.setPrefWidth(width);
        c.setCellValueFactory(cd -> new ReadOnlyStringWrapper(value.apply(cd.getValue())));
        return c;
    }
}
