package dev.missioncontrol.app.history;

import dev.missioncontrol.app.console.Fx;
import dev.missioncontrol.app.decision.DecisionFormat;
import dev.missioncontrol.app.query.QueryViewModel;
import dev.missioncontrol.cluster.proto.QueryRecord;
import dev.missioncontrol.styles.Status;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.function.Consumer;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.input.KeyCode;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

/** Every decision, newest first. Double-click or Enter reopens one with its answers and matrix; export as JSON or CSV. */
public final class HistoryView extends VBox {
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());

    public HistoryView(QueryViewModel model, Consumer<String> reopen, Runnable exportJson, Runnable exportCsv) {
        super(8);
        setId("history");
        setPadding(new Insets(10));
        TableView<QueryRecord> table = new TableView<>(model.history());
        table.setId("history-table");
        table.setPlaceholder(new Label("No decisions yet."));
        table.getColumns()
                .add(column(
                        "time",
                        80,
                        r -> TIME.format(Instant.ofEpochMilli(r.getQuery().getSubmittedAtMillis()))));
        table.getColumns().add(column("query", 90, r -> r.getQuery().getId()));
        TableColumn<QueryRecord, QueryRecord> status = new TableColumn<>("status");
        status.setPrefWidth(170);
        status.setCellValueFactory(cd -> new javafx.beans.property.ReadOnlyObjectWrapper<>(cd.getValue()));
        status.setCellFactory(c -> new TableCell<>() {
            @Override
            protected void updateItem(QueryRecord r, boolean empty) {
                super.updateItem(r, empty);
                getStyleClass().removeAll(Status.STYLE_CLASSES);
                getStyleClass().remove("status-text");
                if (empty || r == null) {
                    setText(null);
                    return;
                }
                Status st = DecisionFormat.status(r);
                setText(st.glyph() + " " + DecisionFormat.title(r.getDecision())
                        + (DecisionFormat.disputed(r)
                                ? " — DISPUTED"
                                : r.getDisputesCount() > 0 ? " (a dispute)" : ""));
                getStyleClass().addAll("status-text", st.styleClass());
            }
        });
        table.getColumns().add(status);
        table.getColumns()
                .add(column(
                        "answered",
                        80,
                        r -> r.getDecision().getNodesCount() + " of "
                                + r.getDecision().getClusterSize()));
        table.getColumns()
                .add(column(
                        "winner",
                        70,
                        r -> DecisionFormat.valid(r.getDecision())
                                ? r.getDecision().getWinner()
                                : "none valid"));
        table.getColumns().add(column("asked by", 130, r -> r.getQuery().getOrigin()));
        TableColumn<QueryRecord, String> q =
                column("question", 420, r -> r.getQuery().getText());
        table.getColumns().add(q);
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_LAST_COLUMN);
        VBox.setVgrow(table, Priority.ALWAYS);
        table.setRowFactory(t -> {
            var row = new javafx.scene.control.TableRow<QueryRecord>();
            row.setOnMouseClicked(e -> {
                if (e.getClickCount() == 2 && !row.isEmpty()) {
                    reopen.accept(row.getItem().getQuery().getId());
                }
            });
            return row;
        });
        table.setOnKeyPressed(e -> {
            QueryRecord r = table.getSelectionModel().getSelectedItem();
            if (e.getCode() == KeyCode.ENTER && r != null) {
                reopen.accept(r.getQuery().getId());
            }
        });
        Button json = new Button("Export JSON…");
        json.setId("export-json");
        json.setOnAction(e -> exportJson.run());
        Button csv = new Button("Export CSV…");
        csv.setOnAction(e -> exportCsv.run());
        Label hint = Fx.label("Double-click a decision (or Enter) to reopen it.  Ctrl+E exports.", "muted");
        HBox bar = new HBox(8, hint, new javafx.scene.layout.Region(), json, csv);
        HBox.setHgrow(bar.getChildren().get(1), Priority.ALWAYS);
        bar.setAlignment(Pos.CENTER_LEFT);
        getChildren().addAll(bar, table);
    }

    private static TableColumn<QueryRecord, String> column(
            String name, double width, java.util.function.Function<QueryRecord, String> value) {
        TableColumn<QueryRecord, String> c = new TableColumn<>(name);
        c.setPrefWidth(width);
        c.setCellValueFactory(cd -> new ReadOnlyStringWrapper(value.apply(cd.getValue())));
        return c;
    }
}
