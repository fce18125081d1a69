package dev.missioncontrol.app.query;

import dev.missioncontrol.app.console.Fx;
import dev.missioncontrol.cluster.proto.Answer;
import dev.missioncontrol.cluster.proto.Decision;
import dev.missioncontrol.models.generate.Citation;
import dev.missioncontrol.styles.Status;
import java.util.Locale;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Hyperlink;
import javafx.scene.control.Label;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import org.controlsfx.control.PopOver;

/** One node's answer: badge (winner / agrees / outlier), text, citations (click for the passage), confidence, latency. */
final class AnswerCard extends VBox {
    AnswerCard(Answer a, Decision d, Passages passages) {
        setId("card-" + a.getNodeId());
        getStyleClass().add("card");
        setPrefWidth(300);
        setMinWidth(240);
        HBox.setHgrow(this, Priority.ALWAYS);
        var parsed = dev.missioncontrol.models.generate.Answer.fromJson(a.getJson());
        boolean agrees = d.getAgreeingList().contains(a.getNodeId());
        boolean valid = !"NO_CONSENSUS".equals(d.getStatus());
        boolean winner = valid && a.getNodeId().equals(d.getWinner());
        // Without consensus no answer is presented as right: agreeing with the top-scored answer is only a caution.
        getStyleClass().add(valid && agrees ? "agrees" : "outlier");
        Label badge = Fx.label(
                winner ? "● WINNER" : agrees ? (valid ? "● AGREES" : "◆ AGREES, NOT VALID") : "▲ OUTLIER", "badge");
        Fx.status(badge, agrees ? (valid ? Status.NORMAL : Status.CAUTION) : Status.SERIOUS);
        int i = d.getNodesList().indexOf(a.getNodeId());
        String score = i >= 0 && i < d.getScoresCount()
                ? String.format(Locale.ROOT, "mean similarity %.3f", d.getScores(i))
                : "";
        Fx.explain(
                badge,
                agrees
                        ? "Within τ = " + d.getTau() + " of the winner: counts towards q = " + d.getQuorum() + "."
                        : "Below τ = " + d.getTau() + " against the winner: says something different; not counted.");
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        HBox head = new HBox(
                8, Fx.label(a.getNodeId(), "title", "mono"), Fx.label(a.getRetrievalModel(), "muted"), spacer, badge);
        head.setAlignment(Pos.CENTER_LEFT);
        Label text = Fx.label(parsed.answer(), "answer-text");
        text.setWrapText(true);
        text.setMinHeight(Region.USE_PREF_SIZE);
        FlowPane cites = new FlowPane(6, 2);
        for (Citation c : parsed.citations()) {
            cites.getChildren().add(citation(c, passages));
        }
        Label figures = Fx.label(
                String.format(
                        Locale.ROOT,
                        "confidence %.2f · %s · %.0f ms%s",
                        parsed.confidence(),
                        parsed.action(),
                        a.getLatencyMillis(),
                        score.isEmpty() ? "" : " · " + score),
                "muted",
                "mono");
        figures.setWrapText(true);
        figures.setMinHeight(Region.USE_PREF_SIZE);
        getChildren().addAll(head, text, cites, figures);
    }

    static Node citation(Citation c, Passages passages) {
        Hyperlink link = new Hyperlink("[" + c.chunk() + "]");
        link.getStyleClass().add("mono");
        link.setOnAction(e -> {
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
        });
        Fx.explain(link, c.doc() + " — " + c.section() + " (click to read the passage)");
        return link;
    }
}
