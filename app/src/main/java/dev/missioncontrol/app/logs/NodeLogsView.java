package dev.missioncontrol.app.logs;

import dev.missioncontrol.app.console.Fx;
import java.util.ArrayList;
import java.util.List;
import javafx.collections.ListChangeListener;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.TextField;
import javafx.scene.control.ToggleButton;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import org.controlsfx.control.SegmentedButton;
import org.controlsfx.control.textfield.TextFields;

/** Every node's output in one list: filter by node and lowest level, search as you type, follow the newest line. */
public final class NodeLogsView extends VBox {
    private final LogsViewModel model;
    private final ListView<LogLine> list = new ListView<>();

    public NodeLogsView(LogsViewModel model, List<String> nodes) {
        super(8);
        this.model = model;
        setId("node-logs");
        setPadding(new Insets(10));
        if (!model.available()) {
            getChildren()
                    .add(Fx.label(
                            "This console is attached to a cluster it did not start; node output is in the logs where the"
                                    + " nodes run.",
                            "muted"));
            return;
        }
        List<String> choices = new ArrayList<>();
        choices.add(LogsViewModel.ALL_NODES);
        choices.addAll(nodes);
        ChoiceBox<String> node = new ChoiceBox<>();
        node.setId("log-node");
        node.getItems().setAll(choices);
        node.valueProperty().bindBidirectional(model.nodeProperty());
        SegmentedButton levels = new SegmentedButton();
        for (String level : LogLine.LEVELS) {
            ToggleButton b = new ToggleButton(level + (level.equals("DEBUG") ? "" : "+"));
            b.setUserData(level);
            b.setSelected(level.equals(model.minLevelProperty().get()));
            levels.getButtons().add(b);
        }
        levels.getToggleGroup().selectedToggleProperty().addListener((o, a, b) -> {
            if (b == null) {
                a.setSelected(true); // one level is always chosen
            } else {
                model.minLevelProperty().set((String) b.getUserData());
            }
        });
        TextField search = TextFields.createClearableTextField();
        search.setId("log-search");
        search.setPromptText("search the output");
        search.textProperty().bindBidirectional(model.searchProperty());
        HBox.setHgrow(search, Priority.ALWAYS);
        CheckBox follow = new CheckBox("follow");
        follow.setSelected(true);
        Label count = Fx.label("", "muted", "mono");
        HBox bar = new HBox(10, node, levels, search, follow, count);
        bar.setAlignment(Pos.CENTER_LEFT);

        list.setId("log-lines");
        list.setItems(model.visible());
        list.setCellFactory(v -> new LineCell());
        VBox.setVgrow(list, Priority.ALWAYS);
        model.visible().addListener((ListChangeListener<LogLine>) c -> {
            count.setText(model.visible().size() + " of " + model.all().size() + " lines");
            if (follow.isSelected() && !model.visible().isEmpty()) {
                list.scrollTo(model.visible().size() - 1);
            }
        });
        // The view leaves the scene while its tab is hidden: follow the newest line again when it is shown.
        list.sceneProperty().addListener((o, was, scene) -> {
            if (scene != null && follow.isSelected() && !model.visible().isEmpty()) {
                list.scrollTo(model.visible().size() - 1);
            }
        });
        getChildren().addAll(bar, list);
    }

    /** Shows one node's output (from a tile's "Show log"). */
    public void showNode(String node) {
        model.nodeProperty().set(node);
    }

    private static final class LineCell extends ListCell<LogLine> {
        LineCell() {
            getStyleClass().add("log-line");
        }

        @Override
        protected void updateItem(LogLine l, boolean empty) {
            super.updateItem(l, empty);
            getStyleClass().removeAll("level-error", "level-warn", "level-debug");
            if (empty || l == null) {
                setText(null);
                return;
            }
            setText(l.node() + " │ " + l.text());
            switch (l.level()) {
                case "ERROR" -> getStyleClass().add("level-error");
                case "WARN" -> getStyleClass().add("level-warn");
                case "DEBUG" -> getStyleClass().add("level-debug");
                default -> {
                    // INFO and plain output keep the default colour.
                }
            }
        }
    }
}
