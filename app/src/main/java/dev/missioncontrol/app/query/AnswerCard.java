package dev.missioncontrol.app.query;

import dev.missioncontrol.app.console.Fx;
import dev.missioncontrol.app.console.Prose;
import dev.missioncontrol.app.decision.DecisionFormat;
import dev.missioncontrol.cluster.proto.Answer;
import dev.missioncontrol.cluster.proto.Decision;
import dev.missioncontrol.models.generate.Citation;
import dev.missioncontrol.styles.Status;
import java.util.List;
import java.util.Locale;
import javafx.geometry.Pos;
import javafx.scene.control.Hyperlink;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import org.controlsfx.control.PopOver;

/**
 * One node's answer: badge (winner / agrees / outlier), text, citations (click for the passage), confidence, latency.
 *
 * <p>A node keeps its card for the console's life and each decision only changes what it says: new controls for every
 * decision would be styled and laid out from scratch on the FX thread, which shows as a dropped frame each time.
 */
final class AnswerCard extends VBox {
    private static final String[] STATES = {"agrees", "outlier", "missing"};

    private final Passages passages;
    private final Label model = Fx.label("", "muted");
    private final Label badge = Fx.label("", "badge");
    private final Tooltip why = new Tooltip();
    private final Prose text = new Prose("answer-text");
    private final FlowPane cites = new FlowPane(6, 2);
    private final Label figures = Fx.label("", "muted", "mono");
    /** For the instructor: the Byzantine fault this node answered under (hidden for a trainee). */
    private final Label injected = Fx.label("", "badge");

    AnswerCard(String nodeId, Passages passages) {
        this.passages = passages;
        setId("card-" + nodeId);
        getStyleClass().add("card");
        setPrefWidth(300);
        setMinWidth(200);
        HBox.setHgrow(this, Priority.ALWAYS);
        why.setWrapText(true);
        why.setMaxWidth(420);
        Tooltip.install(badge, why);
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        injected.setId("injected-" + nodeId);
        injected.managedProperty().bind(injected.visibleProperty());
        injected.setVisible(false);
        Fx.status(injected, Status.CRITICAL);
        Tooltip.install(
                injected,
                new Tooltip("Injected for the drill: this node's answer was produced by a Byzantine fault. Hide these"
                        + " badges (View menu) so a trainee must find the liar from the answers and the matrix."));
        HBox head = new HBox(8, Fx.label(nodeId, "title", "mono"), model, spacer, badge);
        head.setAlignment(Pos.CENTER_LEFT);
        figures.setWrapText(true);
        figures.setMinHeight(Region.USE_PREF_SIZE);
        getChildren().addAll(head, injected, text, cites, figures);
    }

    /** Shows the Byzantine fault the node answered under, or none ({@code null}). */
    void injected(String fault) {
        injected.setText(fault == null ? "" : "⚑ INJECTED: " + fault);
        injected.setVisible(fault != null);
    }

    /** Shows the node's answer to decision {@code d}. */
    void show(Answer a, Decision d) {
        var parsed = DecisionFormat.answer(a.getJson());
        boolean agrees = d.getAgreeingList().contains(a.getNodeId());
        boolean valid = DecisionFormat.valid(d);
        boolean winner = valid && a.getNodeId().equals(d.getWinner());
        // Without consensus no answer is presented as right: agreeing with the top-scored answer is only a caution.
        state(valid && agrees ? "agrees" : "outlier");
        model.setText(dev.missioncontrol.cluster.config.GeneratorSpec.label(a.getRetrievalModel(), a.getGenerator()));
        badge.setText(winner ? "● WINNER" : agrees ? (valid ? "● AGREES" : "◆ AGREES, NOT VALID") : "▲ OUTLIER");
        badge.setVisible(true);
        Fx.status(badge, agrees ? (valid ? Status.NORMAL : Status.CAUTION) : Status.SERIOUS);
        why.setText(
                agrees
                        ? "Within τ = " + d.getTau() + " of the winner: counts towards q = " + d.getQuorum() + "."
                        : "Below τ = " + d.getTau() + " against the winner: says something different; not counted.");
        if (!a.getFailure().isEmpty()) {
            // Its generator gave no answer: shown with the reason, counted as no answer (as a node that is down).
            badge.setText("✖ FAILED");
            Fx.status(badge, Status.SERIOUS);
            why.setText("This node's generator failed: " + a.getFailure() + ". Not counted in the vote.");
        }
        text.setText(parsed.answer());
        citations(cites, parsed.citations(), passages);
        int i = d.getNodesList().indexOf(a.getNodeId());
        String score = i >= 0 && i < d.getScoresCount()
                ? String.format(Locale.ROOT, " · mean similarity %.3f", d.getScores(i))
                : "";
        figures.setText(String.format(
                Locale.ROOT,
                "confidence %.2f · %s · %.0f ms%s",
                parsed.confidence(),
                parsed.action(),
                a.getLatencyMillis(),
                score));
    }

    /** Shows that the node gave no answer to this decision. */
    void showMissing() {
        state("missing");
        injected(null);
        model.setText("");
        badge.setVisible(false);
        text.setText("○ no answer: not counted");
        cites.getChildren().clear();
        figures.setText("");
    }

    private void state(String s) {
        getStyleClass().removeAll(STATES);
        getStyleClass().add(s);
    }

    /** Fills {@code pane} with one link per citation, reusing the links it already has. */
    static void citations(FlowPane pane, List<Citation> citations, Passages passages) {
        var links = pane.getChildren();
        while (links.size() > citations.size()) {
            links.remove(links.size() - 1);
        }
        for (int i = 0; i < citations.size(); i++) {
            Hyperlink link;
            if (i < links.size()) {
                link = (Hyperlink) links.get(i);
            } else {
                link = new Hyperlink();
                link.getStyleClass().add("mono");
                Tooltip tip = new Tooltip();
                tip.setWrapText(true);
                tip.setMaxWidth(420);
                link.setTooltip(tip);
                links.add(link);
            }
            Citation c = citations.get(i);
            link.setText("[" + c.chunk() + "]");
            link.setVisited(false);
            link.getTooltip().setText(c.doc() + " — " + c.section() + " (click to read the passage)");
            link.setOnAction(e -> passage(link, c, passages));
        }
    }

    private static void passage(Hyperlink link, Citation c, Passages passages) {
        VBox box = new VBox(6);
        box.getStyleClass().add("passage");
        box.setMaxWidth(460);
        box.setPrefWidth(460);
        Label where = Fx.label(c.doc() + " — " + c.section(), "title");
        where.setWrapText(true);
        Label body = new Label(passages.find(c.chunk())
                .map(ch -> ch.text())
                .orElse("This passage comes from a document added at run time; open " + c.doc() + " to read it."));
        body.setWrapText(true);
        body.setMaxWidth(440);
        box.getChildren().addAll(where, body);
        PopOver pop = new PopOver(box);
        pop.setTitle(c.chunk());
        pop.setHeaderAlwaysVisible(true);
        pop.setDetachable(false);
        pop.show(link);
    }
}
