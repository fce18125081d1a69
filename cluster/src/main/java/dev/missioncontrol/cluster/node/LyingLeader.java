package dev.missioncontrol.cluster.node;

import dev.missioncontrol.cluster.proto.Decision;
import dev.missioncontrol.cluster.proto.DecisionStatus;
import java.util.List;

/**
 * The Byzantine leader's decision: signed with its own key like an honest one, and not following from the logged
 * answers. The answer that agreed least with the others is named the winner, every answer is said to agree, the status
 * is CONSENSUS and the matrix is falsified to match, so that the decision alone looks sound and only recomputing the
 * vote shows the lie.
 */
final class LyingLeader {
    /** The similarity the falsified matrix gives every pair. */
    static final double CLAIMED_SIMILARITY = 0.95;

    private LyingLeader() {}

    static Decision falsify(Decision honest) {
        List<String> nodes = honest.getNodesList();
        int m = nodes.size();
        String winner = honest.getWinner();
        double lowest = Double.MAX_VALUE;
        for (int i = 0; i < m; i++) {
            if (!nodes.get(i).equals(honest.getWinner()) && honest.getScores(i) < lowest) {
                lowest = honest.getScores(i);
                winner = nodes.get(i);
            }
        }
        Decision.Builder lie = honest.toBuilder()
                .setWinner(winner)
                .clearAgreeing()
                .addAllAgreeing(nodes)
                .setStatus(DecisionStatus.CONSENSUS)
                .clearMatrix()
                .clearScores();
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < m; j++) {
                lie.addMatrix(i == j ? 1.0 : CLAIMED_SIMILARITY);
            }
            lie.addScores(CLAIMED_SIMILARITY * (m - 1) + (nodes.get(i).equals(winner) ? 0.01 : 0));
        }
        return lie.build();
    }

    /** What the lie changed, for fault control: "published n3 as the winner (CONSENSUS); the answers give n1 (…)". */
    static String describe(Decision honest, Decision lie) {
        return "published a decision naming " + (lie.getWinner().isEmpty() ? "no one" : lie.getWinner())
                + " the winner with " + lie.getStatus() + " and a falsified matrix; the answers give "
                + (honest.getWinner().isEmpty() ? "no winner" : honest.getWinner()) + " with " + honest.getStatus()
                + " (lying-leader)";
    }
}
