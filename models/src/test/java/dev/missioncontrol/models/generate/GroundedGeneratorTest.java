package dev.missioncontrol.models.generate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.missioncontrol.models.embed.Embedder;
import dev.missioncontrol.models.embed.EmbeddingModel;
import dev.missioncontrol.models.embed.OnnxEmbedder;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The grounded generator with the real MiniLM model on hand-made passages. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class GroundedGeneratorTest {
    @TempDir
    static Path cache;

    static OnnxEmbedder embedder;
    static GroundedGenerator generator;

    @BeforeAll
    static void load() {
        embedder = OnnxEmbedder.load(EmbeddingModel.MINILM, cache, 1);
        generator = new GroundedGenerator(embedder, GroundedGenerator.Config.DEFAULT);
    }

    @AfterAll
    static void close() {
        embedder.close();
    }

    static Passage passage(String id, String section, String text, String question) {
        double sim = Embedder.cosine(embedder.embedQuery(question), embedder.embedPassage(section + ". " + text));
        return new Passage(id, "doc", section, text, sim, 1);
    }

    static final String BATTERY = "The battery is a lithium-ion battery of 8 cells with a capacity of 60 Ah."
            + " The maximum charge voltage is 33.2 V. The battery temperature must stay between 0 degC and +30 degC."
            + " Battery heaters are controlled by the thermal subsystem.";
    static final String RECOVERY = """
            The following steps recover the spacecraft from SAFE mode.
            1. Confirm the power margin with EPS_BATT_SOC above 60 %.
            2. Dump the event log with FDIR_EVT_DUMP.
            3. Send FDIR_SAFE_EXIT to leave SAFE mode.
            4. Verify FDIR_MODE reads STANDBY.""";

    @Test
    void answersFromTheBestSentencesAndCitesTheirPassage() {
        String q = "What is the maximum charge voltage of the battery?";
        Answer a = generator.generate(
                q,
                List.of(
                        passage("eps-battery", "Lithium-Ion Battery", BATTERY, q),
                        passage("fdir-safe-recovery", "Procedure: Safe Mode Recovery", RECOVERY, q)));
        assertThat(a.action()).isEqualTo(Answer.INFORM);
        assertThat(a.answer()).contains("33.2 V");
        assertThat(a.citations()).extracting(Citation::chunk).contains("eps-battery");
        assertThat(a.confidence()).isGreaterThanOrEqualTo(0.5);
    }

    @Test
    void aProcedureQuestionGetsEveryStepInOrder() {
        String q = "How do I recover the spacecraft from safe mode?";
        Answer a = generator.generate(
                q,
                List.of(
                        passage("fdir-safe-recovery", "Procedure: Safe Mode Recovery", RECOVERY, q),
                        passage("eps-battery", "Lithium-Ion Battery", BATTERY, q)));
        assertThat(a.action()).isEqualTo(Answer.PROCEDURE);
        assertThat(a.answer()).containsSubsequence("1. Confirm", "2. Dump", "3. Send FDIR_SAFE_EXIT", "4. Verify");
        assertThat(a.citations()).extracting(Citation::chunk).containsExactly("fdir-safe-recovery");
    }

    static final String HEATER_FAULT = "A catalyst bed heater failure is detected when a catalyst bed does not reach"
            + " +150 degC within 30 min of preheating. The automatic onboard response is that the manoeuvre sequence"
            + " inhibits the firing of the affected thruster. If the thruster is needed for the planned burn, the"
            + " manoeuvre is cancelled before the latch valves are opened. The operator checks the catalyst bed"
            + " temperature history in PROP_CAT1_T. The operator then switches the heater off with PROP_CATHTR_OFF."
            + " The flight dynamics team replans the manoeuvre with the thrusters that reach +150 degC.";

    @Test
    void aFaultResponseIsAnsweredWholeSoTheActionComesWithTheCause() {
        String q = "One of the thruster warm-up heaters never got hot enough before a burn. Does the burn go ahead?";
        Answer a = generator.generate(
                q,
                List.of(
                        passage(
                                "prop-fault-catalyst-heater-failure",
                                "Fault Response: Catalyst Bed Heater Failure",
                                HEATER_FAULT,
                                q),
                        passage("eps-battery", "Lithium-Ion Battery", BATTERY, q)));
        assertThat(a.action()).isEqualTo(Answer.PROCEDURE);
        assertThat(a.answer())
                .containsSubsequence("is detected", "inhibits the firing", "cancelled", "PROP_CATHTR_OFF", "replans");
    }

    @Test
    void ofTwoProceduresTheOneWhoseWordsTheQuestionUsesIsChosen() {
        String manual = """
                1. Send TCS_HTR_MODE with the line number and MANUAL.
                2. Switch the heater line with TCS_HTR_ON or TCS_HTR_OFF.
                3. Return the line to thermostat control with TCS_HTR_MODE and AUTO.""";
        String q = "How do I take a heater line off thermostat control and switch it myself?";
        Answer a = generator.generate(
                q,
                List.of(
                        new Passage("fdir-safe-recovery", "doc", "Procedure: Safe Mode Recovery", RECOVERY, 0.40, 1),
                        new Passage(
                                "tcs-proc-manual-heater",
                                "doc",
                                "Procedure: Control a Heater Line Manually",
                                manual,
                                0.38,
                                1)));
        assertThat(a.citations()).extracting(Citation::chunk).containsExactly("tcs-proc-manual-heater");
        assertThat(a.answer()).contains("MANUAL").contains("AUTO");
    }

    @Test
    void gibberishAndOtherLanguagesAreRefusedWithLowConfidence() {
        for (String q : List.of(
                "xqzv blorp wizzle frang?",
                "¿Cuál es la receta de la paella valenciana?",
                "Who won the football world cup in 1998?")) {
            Answer a = generator.generate(
                    q,
                    List.of(
                            passage("eps-battery", "Lithium-Ion Battery", BATTERY, q),
                            passage("fdir-safe-recovery", "Procedure: Safe Mode Recovery", RECOVERY, q)));
            assertThat(a.action()).as(q).isEqualTo(Answer.REFUSE);
            assertThat(a.citations()).as(q).isEmpty();
            assertThat(a.confidence()).as(q).isLessThan(0.5);
            assertThat(a.answer()).as(q).startsWith("Not covered by the handbook");
        }
    }

    @Test
    void noPassagesMeansARefusal() {
        assertThat(generator.generate("What is the bus voltage?", List.of()).refused())
                .isTrue();
    }

    @Test
    void theSameInputGivesTheSameAnswer() {
        String q = "What temperature range must the battery stay in?";
        List<Passage> ps = List.of(passage("eps-battery", "Lithium-Ion Battery", BATTERY, q));
        assertThat(generator.generate(q, ps).toJson())
                .isEqualTo(generator.generate(q, ps).toJson());
    }
}
