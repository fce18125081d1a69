package dev.missioncontrol.app.query;

import dev.missioncontrol.app.console.Fx;
import dev.missioncontrol.app.console.Fx.Terms;
import dev.missioncontrol.app.console.Prose;
import dev.missioncontrol.app.decision.DecisionFormat;
import dev.missioncontrol.cluster.proto.Answer;
import dev.missioncontrol.cluster.proto.Decision;
import dev.missioncontrol.cluster.proto.QueryRecord;
import dev.missioncontrol.styles.Status;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javafx.collections.ListChangeListener;
import javafx.css.PseudoClass;
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
import javafx.scene.layout.VBox;

/**
 * Ask and read: the question field (Enter submits) with examples and history, the running query's progress, then the
 * decision banner above everything else, the winning answer (never shown as valid without consensus), and one card per
 * node.
 */
public final class QueryView extends VBox {
    private static final PseudoClass DONE = PseudoClass.getPseudoClass("done");
    private static final PseudoClass INVALID = PseudoClass.getPseudoClass("invalid");
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
    private final Label askedText = Fx.label("", "muted");
    private final Prose winnerText = new Prose("answer-text");
    private final FlowPane winnerCites = new FlowPane(6, 2);
    private final Label winnerFigures = Fx.label("", "muted", "mono");
    private final HBox cards = new HBox(10);
    private final Map<String, AnswerCard> nodeCards = new LinkedHashMap<>();
    /** The Byzantine fault a node had when a question was asked, for the instructor's badges. */
    private java.util.function.BiFunction<String, Long, java.util.Optional<String>> injectedOn =
            (n, at) -> java.util.Optional.empty();

    private java.util.function.LongFunction<java.util.Optional<String>> warningAt = at -> java.util.Optional.empty();
    private final javafx.beans.property.BooleanProperty showInjected =
            new javafx.beans.property.SimpleBooleanProperty(true);
    private final Label noQuery = Fx.label("No query yet. Try an example, or ask your own.", "muted");
    private final Map<String, Label> steps = new LinkedHashMap<>();

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
        askedText.setWrapText(true);
        winnerText.setId("winner-text");
        winner.getChildren().addAll(askedText, winnerText, winnerCites, winnerFigures);
        cards.setId("answer-cards");
        for (String n : nodeIds) {
            nodeCards.put(n, new AnswerCard(n, passages));
        }
        steps.put("query", Fx.label("", "mono", "muted"));
        steps.put("committed", Fx.label("", "step", "mono"));
        for (String n : nodeIds) {
            steps.put(n, Fx.label("", "step", "mono"));
        }
        steps.put("decided", Fx.label("", "step", "mono"));
        Label failed = Fx.label("✗ failed", "status-text");
        Fx.status(failed, Status.CRITICAL);
        steps.put("failed", failed);

        VBox content = new VBox(10, banner, winner, Fx.label("ANSWERS, ONE PER NODE", "section-title"), cards);
        ScrollPane scroll = new ScrollPane(content);
        scroll.setFitToWidth(true);
        VBox.setVgrow(scroll, Priority.ALWAYS);
        getChildren().addAll(field, error, progress, scroll);

        model.progressProperty().addListener((o, a, b) -> showProgress(b));
        model.shownProperty().addListener((o, a, b) -> show(b));
        showInjected.addListener((o, a, b) -> show(model.shownProperty().get()));
        showProgress(null);
        show(null);
    }

    /** Puts the caret in the question field. */
    public void focusQuestion() {
        question.requestFocus();
        question.selectAll();
    }

    private void showProgress(QueryProgress p) {
        if (p == null) {
            progress.getChildren().setAll(noQuery);
            return;
        }
        if (progress.getChildren().get(0) == noQuery) {
            progress.getChildren().setAll(steps.values());
        }
        step("query", "query " + p.queryId(), -2);
        step("committed", "committed", p.committedAfter());
        for (String n : nodeIds) {
            Long at = p.answeredAfter().get(n);
            step(n, n + " answered", at == null ? -1 : at);
        }
        step("decided", "decided", p.decidedAfter());
        Label failed = steps.get("failed");
        failed.setVisible(p.failure() != null);
        failed.setManaged(p.failure() != null);
    }

    /** Updates one step label: {@code after} ≥ 0 is done that many ms after submission, -1 pending, -2 plain text. */
    private void step(String key, String what, long after) {
        Label l = steps.get(key);
        l.setText(after == -2 ? what : (after >= 0 ? "✓ " : "◌ ") + what + (after >= 0 ? " " + after + " ms" : ""));
        l.pseudoClassStateChanged(DONE, after >= 0);
    }

    /**
     * Badges the answer cards of nodes that answered under a Byzantine fault, while {@link #showInjectedProperty} is
     * set (an instructor's view; a trainee's hides them).
     */
    public void badgeInjected(java.util.function.BiFunction<String, Long, java.util.Optional<String>> faultOn) {
        this.injectedOn = faultOn;
    }

    /** Where the banner learns whether more nodes lied than the vote tolerates when a question was asked. */
    public void warnBeyondTolerance(java.util.function.LongFunction<java.util.Optional<String>> warningAt) {
        this.warningAt = warningAt;
    }

    public javafx.beans.property.BooleanProperty showInjectedProperty() {
        return showInjected;
    }

    private void show(QueryRecord r) {
        winner.pseudoClassStateChanged(INVALID, false);
        if (r == null || !r.hasDecision()) {
            Fx.status(banner, Status.OFF);
            bannerStatus.setText("○ NO DECISION YET");
            bannerDetail.setText("The status of each decision appears here, above its answer.");
            askedText.setText("Ask a question to see the cluster's answer.");
            only(askedText);
            cards.getChildren().clear();
            return;
        }
        Decision d = r.getDecision();
        boolean disputed = DecisionFormat.disputed(r);
        // More liars than f: whatever the vote says, it cannot be trusted — shown as critical, above the answer.
        java.util.Optional<String> beyond = warningAt
                .apply(r.getQuery().getSubmittedAtMillis())
                .map(w -> showInjected.get() ? w : w.replaceFirst(" \\([^)]*\\)", ""));
        Status s = beyond.isPresent() ? Status.CRITICAL : DecisionFormat.status(r);
        Fx.status(banner, s);
        // Kept short enough for one line: the detail under it says the rest.
        String title = disputed
                ? "DISPUTED — "
                        + (beyond.isPresent() ? "VOTE NOT TRUSTWORTHY" : DecisionFormat.title(d) + " BY THE FOLLOWERS")
                : DecisionFormat.title(d) + (beyond.isPresent() ? " — VOTE NOT TRUSTWORTHY" : "");
        bannerStatus.setText(s.glyph() + " " + title);
        StringBuilder detail = new StringBuilder(DecisionFormat.detail(d));
        detail.append(String.format(
                Locale.ROOT, " · τ = %.2f · closed: %s · %d ms", d.getTau(), d.getReason(), d.getDecidedAfterMillis()));
        detail.append("\n").append(DecisionFormat.verdict(r));
        DecisionFormat.minorityDisputes(r).forEach(x -> detail.append("\n").append(x));
        beyond.ifPresent(w -> detail.append("\n").append(w));
        bannerDetail.setText(detail.toString());

        askedText.setText(
                "“" + r.getQuery().getText() + "”  ·  query " + r.getQuery().getId());
        Answer win = r.getAnswersList().stream()
                .filter(a -> a.getNodeId().equals(d.getWinner()))
                .findFirst()
                .orElse(null);
        if (!DecisionFormat.valid(d) || win == null) {
            winner.pseudoClassStateChanged(INVALID, true);
            winnerText.setText("No answer is valid: "
                    + DecisionFormat.detail(d).replace("; no answer is valid", "")
                    + ". The nodes said different things; compare them below and do not act on any one.");
            only(askedText, winnerText);
        } else {
            var parsed = DecisionFormat.answer(win.getJson());
            winnerText.setText(parsed.answer());
            AnswerCard.citations(winnerCites, parsed.citations(), passages);
            winnerFigures.setText(String.format(
                    Locale.ROOT,
                    "winner %s · confidence %.2f · action %s",
                    d.getWinner(),
                    parsed.confidence(),
                    parsed.action()));
            only(askedText, winnerText, winnerCites, winnerFigures);
        }
        Map<String, Answer> byNode = new java.util.LinkedHashMap<>();
        r.getAnswersList().forEach(a -> byNode.put(a.getNodeId(), a));
        for (String n : nodeIds) {
            Answer a = byNode.get(n);
            AnswerCard card = nodeCards.get(n);
            if (a != null) {
                card.show(a, d);
                card.injected(
                        showInjected.get()
                                ? injectedOn
                                        .apply(n, r.getQuery().getSubmittedAtMillis())
                                        .orElse(null)
                                : null);
            } else {
                card.showMissing();
            }
        }
        if (cards.getChildren().isEmpty()) {
            cards.getChildren().setAll(nodeCards.values());
        }
    }

    /** Shows only these parts of the winner panel (the others stay, unmanaged, for the next decision). */
    private void only(javafx.scene.Node... shown) {
        List<javafx.scene.Node> keep = List.of(shown);
        for (javafx.scene.Node n : winner.getChildren()) {
            n.setVisible(keep.contains(n));
            n.setManaged(keep.contains(n));
        }
    }
}
