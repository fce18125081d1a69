package dev.missioncontrol.app.console;

import dev.missioncontrol.styles.Status;
import javafx.event.EventHandler;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.scene.input.MouseEvent;
import javafx.util.Duration;

/** Small helpers the views share: labels with style classes, status classes, teaching tooltips. */
public final class Fx {
    private Fx() {}

    public static Label label(String text, String... styleClasses) {
        Label l = new Label(text);
        l.getStyleClass().addAll(styleClasses);
        return l;
    }

    /** Replaces a node's status style class (status-normal, status-critical, …). */
    public static void status(Node node, Status status) {
        node.getStyleClass().removeAll(Status.STYLE_CLASSES);
        if (status != null) {
            node.getStyleClass().add(status.styleClass());
        }
    }

    /**
     * A tooltip that explains a term to a trainee; shows quickly and stays long enough to read. It is made when the
     * pointer first enters the node: a tooltip is a popup window with its own scene, and answer cards and matrix cells
     * are rebuilt for every decision, so making them all up front would cost the FX thread on every decision.
     */
    public static <T extends Node> T explain(T node, String text) {
        EventHandler<MouseEvent> install = new EventHandler<>() {
            @Override
            public void handle(MouseEvent e) {
                node.removeEventHandler(MouseEvent.MOUSE_ENTERED, this);
                Tooltip t = new Tooltip(text);
                t.setWrapText(true);
                t.setMaxWidth(420);
                t.setShowDelay(Duration.millis(350));
                t.setShowDuration(Duration.seconds(30));
                Tooltip.install(node, t);
            }
        };
        node.addEventHandler(MouseEvent.MOUSE_ENTERED, install);
        return node;
    }

    /** Glossary used by tooltips across the views. */
    public static final class Terms {
        private Terms() {}

        public static final String TERM = "Term: Raft's election counter. Each election starts a new term; at most one"
                + " leader per term. A rising term means leadership changed or an election was tried.";
        public static final String COMMIT = "Commit index: the last log entry a majority of nodes has stored. Applied:"
                + " the last entry this node has executed. Applied catching up to commit is normal.";
        public static final String LEADER = "Leader: the one node that orders log entries and closes queries. Followers"
                + " copy its log; a follower that hears nothing for ~1 s becomes a candidate and asks for votes.";
        public static final String QUORUM = "q(n) = max(⌊n/2⌋+1, 2⌊(n−1)/3⌋+1): the agreeing answers a decision needs."
                + " It is a Raft majority and at least 2f+1 of n = 3f+1, so f lying or failed nodes cannot outvote the"
                + " rest.";
        public static final String TAU = "τ: the cosine similarity at or above which two answers count as saying the"
                + " same thing. Measured on answer pairs from the evaluation set (see README).";
        public static final String VOTE = "The vote: every answer is embedded; the answer with the highest mean"
                + " similarity to the others wins. Answers within τ of the winner agree. CONSENSUS needs q agreeing"
                + " answers from a full cluster; DEGRADED means fewer nodes answered but q still agree; otherwise NO"
                + " CONSENSUS and no answer is valid.";
    }
}
