package dev.missioncontrol.knowledge.eval;

import static org.assertj.core.api.Assertions.assertThat;

import dev.missioncontrol.knowledge.index.RetrievalMode;
import dev.missioncontrol.knowledge.rag.AskResult;
import dev.missioncontrol.knowledge.rag.PipelineConfig;
import dev.missioncontrol.knowledge.rag.RagPipeline;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The default pipeline (MiniLM, hybrid retrieval, grounded answers) holds the quality it measured: on the developers'
 * set as a whole, and on the test half of the users' set, which nothing was tuned on.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class EvaluationTargetsTest {
    @TempDir
    static Path data;

    static RagPipeline rag;

    @BeforeAll
    static void open() {
        rag = RagPipeline.open(PipelineConfig.defaults(data));
    }

    @AfterAll
    static void close() {
        rag.close();
    }

    private static Evaluation.Scores run(java.util.List<EvalQuestion> questions) {
        Evaluation.Scores s = Evaluation.run(rag, RetrievalMode.HYBRID, questions);
        System.out.println(Evaluation.Scores.header() + "\n" + s.row());
        s.misses().forEach(m -> System.out.println("  " + m));
        return s;
    }

    @Test
    void theDevelopersSetMeetsItsTargets() {
        Evaluation.Scores s = run(EvalSet.load());
        assertThat(s.recallAt5()).as("recall@5").isGreaterThanOrEqualTo(0.97);
        assertThat(s.keyFactAccuracy()).as("key-fact accuracy").isGreaterThanOrEqualTo(0.916);
        assertThat(s.refusalAccuracy()).as("refusal accuracy").isGreaterThanOrEqualTo(0.99); // measured 1.000
    }

    @Test
    void theUsersTestHalfHoldsWhatWasMeasured() {
        Evaluation.Scores s = run(EvalSet.half(EvalSet.load(EvalSet.USERS), EvalQuestion.TEST));
        assertThat(s.recallAt5()).as("recall@5").isGreaterThanOrEqualTo(0.80);
        // Measured with MiniLM: 0 of 33 answerable questions refused, 13 of 18 unanswerable ones.
        assertThat(s.answerableRefused()).as("answerable questions refused").isLessThanOrEqualTo(0.10);
        assertThat(s.unanswerableRefused())
                .as("near-topic unanswerable questions refused")
                .isGreaterThanOrEqualTo(0.70);
    }

    @Test
    void aQuestionAboutAnotherSpacecraftIsRefusedWithTheReason() {
        AskResult r = rag.ask("How much propellant does Juno carry?");
        assertThat(r.answer().refused()).isTrue();
        assertThat(r.answer().answer()).contains("the handbook covers KESTREL-1; it does not mention Juno");
        AskResult when = rag.ask("When was KESTREL-1 launched?");
        assertThat(when.answer().refused()).isTrue();
        assertThat(when.answer().answer()).contains("asks for a date");
        AskResult rover = rag.ask("What is the top speed of the rover?");
        assertThat(rover.answer().refused()).isTrue();
        assertThat(rover.answer().answer()).contains("it does not mention \"rover\"");
    }
}
