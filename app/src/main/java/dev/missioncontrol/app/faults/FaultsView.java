package dev.missioncontrol.app.faults;

import dev.missioncontrol.app.console.Fx;
import dev.missioncontrol.cluster.faults.Fault;
import dev.missioncontrol.cluster.faults.Tolerance;
import dev.missioncontrol.styles.Status;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javafx.collections.ListChangeListener;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Spinner;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;

/**
 * The right-hand column: what the cluster can take now (n, the crashes it tolerates, q, and a warning in words when the
 * faults go beyond it), HEAL ALL, a small form to inject any fault with its parameters, and every fault with its state
 * (injected → confirmed → healed, or failed), what confirmed it, and a Clear button. Binds to {@link FaultsViewModel};
 * does no work itself.
 */
public final class FaultsView extends VBox {
    private static final List<String> TYPES = java.util.stream.Stream.concat(
                    java.util.stream.Stream.of("kill", "pause", "partition", "slow-link", "slow-node"),
                    Fault.Byzantine.KINDS.stream())
            .toList();

    private final FaultsViewModel model;
    private final VBox list = new VBox(6);
    private final ChoiceBox<String> type = new ChoiceBox<>();
    private final Map<String, CheckBox> targets = new LinkedHashMap<>();
    private final Map<String, CheckBox> from = new LinkedHashMap<>();
    private final Spinner<Integer> delay = new Spinner<>(1, Fault.MAX_ANSWER_DELAY_MILLIS, 200, 100);
    private final FlowPane fromRow = new FlowPane(6, 4);
    private final Label fromLabel = Fx.label("cut off from (none ticked: the rest)", "muted");
    private final HBox delayRow;

    public FaultsView(FaultsViewModel model) {
        super(8);
        this.model = model;
        setId("faults");
        getStyleClass().add("panel");
        setPadding(new Insets(8));
        setMinWidth(260);

        Button heal = new Button("HEAL ALL  ⌃H");
        heal.setId("heal-all");
        heal.getStyleClass().add("heal-all");
        heal.setMaxWidth(Double.MAX_VALUE);
        heal.disableProperty().bind(model.healingProperty());
        heal.setOnAction(e -> model.healAll());
        Fx.explain(
                heal,
                "Clears every fault: rules inside the nodes removed, paused nodes resumed, killed ones started"
                        + " again; then waits until every node is back in sync. Also done when this console closes the cluster"
                        + " it started.");

        Label figures = Fx.label("", "mono");
        figures.setId("tolerance-figures");
        figures.setWrapText(true);
        figures.setMinHeight(Region.USE_PREF_SIZE);
        Label words = Fx.label("", "status-text", "why");
        words.setId("tolerance");
        words.setWrapText(true);
        words.setMinHeight(Region.USE_PREF_SIZE);
        Fx.status(words, Status.OFF);
        Label liars = Fx.label("", "status-text", "why");
        liars.setId("tolerance-byzantine");
        liars.setWrapText(true);
        liars.setMinHeight(Region.USE_PREF_SIZE);
        liars.managedProperty().bind(liars.visibleProperty());
        liars.setVisible(false);
        Fx.explain(
                liars,
                "f: the Byzantine nodes (answering wrongly, colluding, silent) a vote of q among n nodes outvotes, f ="
                        + " ⌊(n−1)/3⌋: n = 3f + 1 nodes with a 2f + 1 vote. Beyond f, a wrong answer can win or"
                        + " none can.");
        Fx.explain(
                figures,
                "n: nodes in the cluster. A Raft cluster keeps committing while a majority is up and"
                        + " connected, so it tolerates ⌊(n−1)/2⌋ crashed or cut-off nodes. q: the agreeing answers a decision"
                        + " needs.");
        model.toleranceProperty().addListener((o, a, t) -> showTolerance(t, figures, words, liars));

        Label limits = Fx.label(model.limits(), "why", "status-text");
        limits.setId("faults-limits");
        limits.setWrapText(true);
        limits.setMinHeight(Region.USE_PREF_SIZE);
        Fx.status(limits, Status.CAUTION);
        limits.setVisible(!limits.getText().isEmpty());
        limits.managedProperty().bind(limits.visibleProperty());

        type.getItems().setAll(TYPES);
        type.setValue("partition");
        type.setId("fault-type");
        FlowPane nodeRow = new FlowPane(6, 4);
        for (String n : model.nodeIds()) {
            CheckBox c = new CheckBox(n);
            c.setId("fault-node-" + n);
            targets.put(n, c);
            nodeRow.getChildren().add(c);
            CheckBox f = new CheckBox(n);
            f.setId("fault-from-" + n);
            from.put(n, f);
            fromRow.getChildren().add(f);
        }
        delay.setEditable(true);
        delay.setId("fault-delay");
        delay.setPrefWidth(100);
        delayRow = new HBox(6, Fx.label("delay ms", "muted"), delay);
        delayRow.setAlignment(Pos.CENTER_LEFT);
        Button inject = new Button("Inject");
        inject.setId("fault-inject");
        inject.setOnAction(e -> inject());
        type.valueProperty().addListener((o, a, b) -> shape());
        VBox form = new VBox(
                4,
                Fx.label("INJECT", "section-title"),
                new HBox(6, type, inject),
                Fx.label("nodes", "muted"),
                nodeRow,
                labelled(fromLabel, fromRow),
                delayRow);
        shape();

        Label message = Fx.label("", "why", "status-text");
        message.setId("fault-message");
        message.setWrapText(true);
        message.setMinHeight(Region.USE_PREF_SIZE);
        message.textProperty().bind(model.messageProperty());
        Fx.status(message, Status.OFF);
        model.messageStatusProperty().addListener((o, a, s) -> Fx.status(message, s));

        ScrollPane scroll = new ScrollPane(list);
        scroll.setFitToWidth(true);
        scroll.setHbarPolicy(ScrollPane.ScrollBarPolicy.NEVER);
        VBox.setVgrow(scroll, Priority.ALWAYS);
        list.setId("fault-list");
        model.rows().addListener((ListChangeListener<FaultsViewModel.Row>) c -> showRows());
        showRows();

        getChildren()
                .addAll(
                        Fx.label("FAULTS", "section-title"),
                        heal,
                        figures,
                        words,
                        liars,
                        limits,
                        form,
                        message,
                        Fx.label("ACTIVE AND RECENT", "section-title"),
                        scroll);
    }

    private static VBox labelled(String label, javafx.scene.Node content) {
        return labelled(Fx.label(label, "muted"), content);
    }

    private static VBox labelled(Label label, javafx.scene.Node content) {
        VBox v = new VBox(2, label, content);
        v.managedProperty().bind(v.visibleProperty());
        return v;
    }

    /** Shows the parameters the chosen fault takes. */
    private void shape() {
        String t = type.getValue();
        fromRow.getParent().setVisible("partition".equals(t) || "impersonate".equals(t));
        fromLabel.setText("impersonate".equals(t) ? "as (the first ticked)" : "cut off from (none ticked: the rest)");
        boolean slow = t.startsWith("slow");
        delayRow.setVisible(slow);
        delayRow.setManaged(slow);
        if ("slow-link".equals(t) && delay.getValue() > Fault.MAX_LINK_DELAY_MILLIS) {
            delay.getValueFactory().setValue(200);
        }
    }

    private void inject() {
        List<String> nodes = ticked(targets);
        model.inject(
                switch (type.getValue()) {
                    case "kill" -> new Fault.Kill(nodes);
                    case "pause" -> new Fault.Pause(nodes);
                    case "partition" -> new Fault.Partition(nodes, ticked(from));
                    case "slow-link" -> new Fault.SlowLink(nodes, delay.getValue());
                    case "slow-node" -> new Fault.SlowNode(nodes, delay.getValue());
                    case "impersonate" ->
                        new Fault.Byzantine(
                                "impersonate",
                                nodes,
                                ticked(from).stream().findFirst().orElse(""));
                    default -> new Fault.Byzantine(type.getValue(), nodes);
                });
    }

    private static List<String> ticked(Map<String, CheckBox> boxes) {
        List<String> out = new ArrayList<>();
        boxes.forEach((n, c) -> {
            if (c.isSelected()) {
                out.add(n);
            }
        });
        return out;
    }

    private void showTolerance(Tolerance t, Label figures, Label words, Label liars) {
        figures.setText(t.figures() + " · " + t.active() + " fault" + (t.active() == 1 ? "" : "s") + " active");
        Status s = t.beyond() ? Status.CRITICAL : t.impaired().isEmpty() ? Status.NORMAL : Status.CAUTION;
        words.setText(s.glyph() + " " + t.words());
        Fx.status(words, s);
        Status b = t.byzantineBeyond() ? Status.CRITICAL : Status.CAUTION;
        liars.setVisible(!t.byzantine().isEmpty());
        liars.setText(b.glyph() + " " + t.byzantineWords());
        Fx.status(liars, b);
    }

    private void showRows() {
        list.getChildren().clear();
        if (model.rows().isEmpty()) {
            list.getChildren().add(Fx.label("No fault injected yet.", "muted"));
            return;
        }
        for (FaultsViewModel.Row r : model.rows()) {
            Label what = Fx.label(r.id() + "  " + r.what(), "mono", "fault-what");
            what.setWrapText(true);
            what.setMinHeight(Region.USE_PREF_SIZE);
            Label state =
                    Fx.label(r.status().glyph() + " " + r.state().toUpperCase(java.util.Locale.ROOT), "status-text");
            state.setId("fault-state-" + r.id());
            Fx.status(state, r.status());
            Region spacer = new Region();
            HBox.setHgrow(spacer, Priority.ALWAYS);
            HBox head = new HBox(6, state, spacer);
            head.setAlignment(Pos.CENTER_LEFT);
            if (r.active()) {
                Button clear = new Button("Clear");
                clear.setId("fault-clear-" + r.id());
                clear.setOnAction(e -> model.clear(r.id()));
                head.getChildren().add(clear);
            }
            Label times = Fx.label(r.times(), "muted", "mono");
            times.setWrapText(true);
            times.setMinHeight(Region.USE_PREF_SIZE);
            VBox row = new VBox(2, what, head, times);
            if (!r.detail().isEmpty()) {
                Label detail = Fx.label(r.detail(), "why");
                detail.setWrapText(true);
                detail.setMinHeight(Region.USE_PREF_SIZE);
                row.getChildren().add(detail);
            }
            row.setId("fault-row-" + r.id());
            row.getStyleClass().add("fault-row");
            list.getChildren().add(row);
        }
    }
}
