package dev.missioncontrol.app.query;

import dev.missioncontrol.app.console.Fx;
import dev.missioncontrol.app.console.Fx.Terms;
import dev.missioncontrol.app.history.DecisionFormat;
import dev.missioncontrol.cluster.proto.Answer;
import dev.missioncontrol.cluster.proto.Decision;
import dev.missioncontrol.cluster.proto.QueryRecord;
import dev.missioncontrol.models.generate.Citation;
import dev.missioncontrol.styles.Status;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javafx.collections.ListChangeListener;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.MenuButton;
import javafx.scene.control.MenuItem;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.TextField;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;

/**
 * Ask and read: the question field (Enter submits) with examples and history, the running query's progress, then the
 * decision banner above everything else, the winning answer (never shown as valid without consensus), and one card per
 * node.
 */
public final class QueryView extends VBox {
    private final QueryViewModel model;
    private final Passages passages;
    private final List<String> nodeIds;
    private final TextField question = new TextField();
    private final Label error = Fx.label("", "status-text");
    private final FlowPane progress = new FlowPane(14, 4);
    private final VBox banner = new VBox(2);
    private final Label bannerStatus = Fx.label("", "banner-status");
    private final Label bannerDetail = Fx.label("", "banner-detail");
    private final VBox winner = new VBox(6);
    private final HBox cards = new HBox(10);

    public QueryView(QueryViewModel model, Passages passages, List<String> nodeIds) {
        super(10);
        this.model = model;
        this.passages = passages;
        this.nodeIds = nodeIds;
        setId("query-view");
        setPadding(new Insets(10));

        question.setId("question");
        question.setPromptText("Ask the cluster a spacecraft-operations question and press Enter   (Ctrl+L)");
        question.textProperty().bindBidirectional(model.questionProperty());
        question.setOnAction(e -> model.submit());
        HBox.setHgrow(question, Priority.ALWAYS);
        Button ask = new Button("Ask");
        ask.setId("submit");
        ask.getStyleClass().add("primary");
        ask.disableProperty().bind(model.canSubmitProperty().not());
        ask.setOnAction(e -> model.submit());
        MenuButton examples = new MenuButton("Examples");
        examples.setId("examples");
        for (String ex : model.examples()) {
            MenuItem m = new MenuItem(ex);
            m.setOnAction(e -> {
                model.questionProperty().set(ex);
                question.requestFocus();
                question.end();
            });
            examples.getItems().add(m);
        }
        MenuButton asked = new MenuButton("History");
        asked.setId("asked");
        model.asked().addListener((ListChangeListener<String>) c -> {
            asked.getItems().clear();
            for (String q : model.asked()) {
                MenuItem m = new MenuItem(q);
                m.setOnAction(e -> model.questionProperty().set(q));
                asked.getItems().add(m);
            }
        });
        HBox field = new HBox(8, question, ask, examples, asked);
        field.setAlignment(Pos.CENTER_LEFT);

        error.setId("query-error");
        error.setWrapText(true);
        Fx.status(error, Status.CRITICAL);
        error.textProperty().bind(model.errorProperty());
        error.visibleProperty().bind(model.errorProperty().isNotEmpty());
        error.managedProperty().bind(error.visibleProperty());

        progress.setId("progress");
        banner.setId("banner");
        banner.getStyleClass().add("banner");
        bannerStatus.setId("banner-status");
        bannerDetail.setId("banner-detail");
        bannerDetail.setWrapText(true);
        banner.getChildren().addAll(bannerStatus, bannerDetail);
        Fx.explain(banner, Terms.VOTE + "\n\n" + Terms.QUORUM);
        winner.setId("winner");
        winner.getStyleClass().add("winner");
        cards.setId("answer-cards");

        VBox content = new VBox(10, banner, winner, Fx.label("ANSWERS, ONE PER NODE", "section-title"), cards);
        ScrollPane scroll = new ScrollPane(content);
        scroll.setFitToWidth(true);
        VBox.setVgrow(scroll, Priority.ALWAYS);
        getChildren().addAll(field, error, progress, scroll);

        model.progressProperty().addListener((o, a, b) -> showProgress(b));
        model.shownProperty().addListener((o, a, b) -> show(b));
        showProgress(null);
        show(null);
    }

    /** Puts the caret in the question field. */
    public void focusQuestion() {
        question.requestFocus();
        question.selectAll();
    }

    private void showProgress(QueryProgress p) {
        progress.getChildren().clear();
        if (p == null) {
            progress.getChildren().add(Fx.label("No query yet. Try an example, or ask your own.", "muted"));
            return;
        }
        progress.getChildren().add(Fx.label("query " + p.queryId(), "mono", "muted"));
        progress.getChildren().add(step("committed", p.committedAfter()));
        for (String n : nodeIds) {
            Long at = p.answeredAfter().get(n);
            progress.getChildren().add(step(n + " answered", at == null ? -1 : at));
        }
        progress.getChildren().add(step("decided", p.decidedAfter()));
        if (p.failure() != null) {
            Label f = Fx.label("✗ failed", "status-text");
            Fx.status(f, Status.CRITICAL);
            progress.getChildren().add(f);
        }
    }

    private static Label step(String what, long after) {
        Label l = Fx.label((after >= 0 ? "✓ " : "◌ ") + what + (after >= 0 ? " " + after + " ms" : ""), "step", "mono");
        if (after >= 0) {
            l.getStyleClass().add("done");
        }
        return l;
    }

    private void show(QueryRecord r) {
        winner.getChildren().clear();
        cards.getChildren().clear();
        winner.getStyleClass().remove("invalid");
        if (r == null || !r.hasDecision()) {
            Fx.status(banner, Status.OFF);
            bannerStatus.setText("○ NO DECISION YET");
            bannerDetail.setText("The status of each decision appears here, above its answer.");
            winner.getChildren().add(Fx.label("Ask a question to see the cluster's answer.", "muted"));
            return;
        }
        Decision d = r.getDecision();
        boolean disputed = r.getDisputesCount() > 0;
        Status s = disputed ? Status.CRITICAL : Status.ofDecision(d.getStatus());
        Fx.status(banner, s);
        bannerStatus.setText(s.glyph() + " " + DecisionFormat.title(d) + (disputed ? " — DISPUTED" : ""));
        StringBuilder detail = new StringBuilder(DecisionFormat.detail(d));
        detail.append(String.format(
                Locale.ROOT, " · τ = %.2f · closed: %s · %d ms", d.getTau(), d.getReason(), d.getDecidedAfterMillis()));
        r.getDisputesList().forEach(x -> detail.append("\nDisputed by ")
                .append(x.getNodeId())
                .append(": ")
                .append(x.getDetail()));
        bannerDetail.setText(detail.toString());

        Label q = Fx.label(
                "“" + r.getQuery().getText() + "”  ·  query " + r.getQuery().getId(), "muted");
        q.setWrapText(true);
        winner.getChildren().add(q);
        Answer win = r.getAnswersList().stream()
                .filter(a -> a.getNodeId().equals(d.getWinner()))
                .findFirst()
                .orElse(null);
        if ("NO_CONSENSUS".equals(d.getStatus()) || win == null) {
            winner.getStyleClass().add("invalid");
            Label none = Fx.label(
                    "No answer is valid: " + DecisionFormat.detail(d).replace("; no answer is valid", "")
                            + ". The nodes said different things; compare them below and do not act on any one.",
                    "answer-text");
            none.setWrapText(true);
            winner.getChildren().add(none);
        } else {
            var parsed = dev.missioncontrol.models.generate.Answer.fromJson(win.getJson());
            Label text = Fx.label(parsed.answer(), "answer-text");
            text.setId("winner-text");
            text.setWrapText(true);
            text.setMinHeight(Region.USE_PREF_SIZE);
            FlowPane cites = new FlowPane(6, 2);
            for (Citation c : parsed.citations()) {
                cites.getChildren().add(AnswerCard.citation(c, passages));
            }
            winner.getChildren()
                    .addAll(
                            text,
                            cites,
                            Fx.label(
                                    String.format(
                                            Locale.ROOT,
                                            "winner %s · confidence %.2f · action %s",
                                            d.getWinner(),
                                            parsed.confidence(),
                                            parsed.action()),
                                    "muted",
                                    "mono"));
        }
        Map<String, Answer> byNode = new java.util.LinkedHashMap<>();
        r.getAnswersList().forEach(a -> byNode.put(a.getNodeId(), a));
        for (String n : nodeIds) {
            Answer a = byNode.get(n);
            cards.getChildren().add(a != null ? new AnswerCard(a, d, passages) : missing(n));
        }
    }

    private static VBox missing(String node) {
        VBox card = new VBox(4, Fx.label(node, "title", "mono"), Fx.label("○ no answer: not counted", "muted"));
        card.setId("card-" + node);
        card.getStyleClass().addAll("card", "missing");
        card.setPrefWidth(200);
        return card;
    }
}
