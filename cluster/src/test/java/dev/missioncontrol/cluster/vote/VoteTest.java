package dev.missioncontrol.cluster.vote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The vote rule on hand-made unit vectors with known similarities. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class VoteTest {
    /** A unit vector at {@code degrees} in the plane: the cosine of two is the cosine of their angle difference. */
    static float[] at(double degrees) {
        double r = Math.toRadians(degrees);
        return new float[] {(float) Math.cos(r), (float) Math.sin(r)};
    }

    @Test
    void quorumFollowsTheRule() {
        assertThat(Vote.quorum(1)).isEqualTo(1);
        assertThat(Vote.quorum(3)).isEqualTo(2);
        assertThat(Vote.quorum(4)).isEqualTo(3);
        assertThat(Vote.quorum(5)).isEqualTo(3);
        assertThat(Vote.quorum(7)).isEqualTo(5);
        assertThat(Vote.quorum(10)).isEqualTo(7);
        assertThatThrownBy(() -> Vote.quorum(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void threeAgreeingAnswersAreConsensusAndTheCentralOneWins() {
        Map<String, float[]> answers = Map.of("n1", at(0), "n2", at(10), "n3", at(20));
        Vote.Result r = Vote.decide(answers, 3, 0.9);
        assertThat(r.winner()).isEqualTo("n2");
        assertThat(r.agreeing()).containsExactly("n1", "n2", "n3");
        assertThat(r.status()).isEqualTo(Vote.Status.CONSENSUS);
        assertThat(r.matrix()[0][1]).isCloseTo(Math.cos(Math.toRadians(10)), org.assertj.core.data.Offset.offset(1e-6));
        assertThat(r.summary()).isEqualTo("3 of 3 agree (q = 2)");
    }

    @Test
    void anOutlierIsOutvoted() {
        Vote.Result r = Vote.decide(Map.of("n1", at(0), "n2", at(5), "n3", at(80)), 3, 0.9);
        assertThat(r.winner()).isIn("n1", "n2");
        assertThat(r.agreeing()).containsExactly("n1", "n2");
        assertThat(r.status()).isEqualTo(Vote.Status.CONSENSUS);
    }

    @Test
    void twoOfThreeAnsweringIsDegradedNeverConsensus() {
        Vote.Result r = Vote.decide(Map.of("n1", at(0), "n3", at(5)), 3, 0.9);
        assertThat(r.status()).isEqualTo(Vote.Status.DEGRADED);
        assertThat(r.summary()).isEqualTo("2 of 3 answered, 2 agree (q = 2)");
    }

    @Test
    void allDisagreeingIsNoConsensus() {
        Vote.Result r = Vote.decide(Map.of("n1", at(0), "n2", at(60), "n3", at(120)), 3, 0.9);
        assertThat(r.status()).isEqualTo(Vote.Status.NO_CONSENSUS);
        assertThat(r.summary()).isEqualTo("1 of 3 agree, q = 2");
    }

    @Test
    void oneAnswerOrNoneCannotDecide() {
        assertThat(Vote.decide(Map.of("n1", at(0)), 3, 0.9).status()).isEqualTo(Vote.Status.NO_CONSENSUS);
        Vote.Result none = Vote.decide(Map.of(), 3, 0.9);
        assertThat(none.winner()).isNull();
        assertThat(none.status()).isEqualTo(Vote.Status.NO_CONSENSUS);
    }

    @Test
    void tiesGoToTheLowestNodeIdWhateverTheInsertionOrder() {
        Map<String, float[]> answers = new LinkedHashMap<>();
        answers.put("n3", at(0));
        answers.put("n1", at(0));
        answers.put("n2", at(0));
        assertThat(Vote.decide(answers, 3, 0.9).winner()).isEqualTo("n1");
    }

    @Test
    void collusionBeyondFWinsTheVoteWhichIsWhyNIsThreeFPlusOne() {
        // Four nodes, two colluding on the same wrong answer, two right but phrased differently: q(4) = 3.
        Vote.Result r = Vote.decide(Map.of("n1", at(0), "n2", at(30), "n3", at(100), "n4", at(100)), 4, 0.9);
        assertThat(r.quorum()).isEqualTo(3);
        assertThat(r.status()).isEqualTo(Vote.Status.NO_CONSENSUS);
    }
}
