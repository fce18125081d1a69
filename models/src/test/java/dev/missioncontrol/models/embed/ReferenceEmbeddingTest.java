package dev.missioncontrol.models.embed;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.model.embedding.onnx.AbstractInProcessEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.bgesmallenv15.BgeSmallEnV15EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.e5smallv2.E5SmallV2EmbeddingModel;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Our tokenizer + ONNX Runtime + pooling against an independent implementation (langchain4j's own model classes,
 * which use the Hugging Face tokenizer through DJL) on the same model files.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ReferenceEmbeddingTest {
    @TempDir
    static Path cache;

    static final List<String> SENTENCES = List.of(
            "The battery state of charge must stay above 40 % at the end of eclipse.",
            "Switch the survival heaters on when the battery temperature drops below +2 degC.",
            "What is the maximum reaction wheel speed?",
            "Safe mode points the solar arrays at the Sun using the coarse sun sensors.",
            "Hello world",
            "a",
            "THE QUICK BROWN FOX JUMPS OVER THE LAZY DOG",
            "Déjà vu: the café's naïve façade (résumé)!",
            "Telemetry EPS_BATT_V reads 29.6 V nominally; EPS_BUS_V is regulated at 28.0 V.",
            "Command FDIR_SAFE_EXIT only after the recovery checklist is complete.",
            "The X-band downlink runs at 300 Mbps over Kiruna and Svalbard.",
            "Hydrazine thrusters: 4 x 1 N, blowdown from 22.0 bar to 5.5 bar.",
            "Is the spacecraft in eclipse right now?",
            "OBC-A is prime; OBC-B is a cold redundant unit.",
            "The hardware watchdog resets the computer after 2 s without a kick.",
            "1. Verify TTC_RX_LOCK. 2. Send the command. 3. Confirm the echo.",
            "email me at ops@example.org or call +1-555-0100",
            "unbelievably overcomplicated antidisestablishmentarianism",
            "Ceci n'est pas une question sur le satellite.",
            "Wie hoch ist die maximale Drehzahl des Reaktionsrads?",
            "人工衛星の姿勢制御について教えてください。",
            "Спутник находится на солнечно-синхронной орбите.",
            "εντολή ασφαλούς λειτουργίας",
            "asdkjh qwpoeiru zmxncb",
            "!!! ??? ... ;;; ---",
            "100 200 300 4.5 6e7 0x1F 3/4",
            "The momentum unload starts at 4,500 rpm and uses the magnetorquers.",
            "Tab\tseparated\tvalues and\nnew lines\r\nhere",
            "Zero\u200bwidth\u200bspace and soft\u00adhyphen",
            "Emoji are unknown tokens 🚀🛰️ for this vocabulary",
            "camelCaseIdentifierWithNumbers123 and snake_case_identifier",
            "The payload imager MSI-4 has four bands and a 20 km swath.",
            "Ground sampling distance is 2.5 m at nadir.",
            "The orbit is sun-synchronous at 550 km with an inclination of 97.6 deg.",
            "Loss of signal is expected at 14:32:10 UTC.",
            "Operators hand over the shift with a written log entry.",
            "The command-loss timer expires after 72 h without a valid telecommand.",
            "Why did the spacecraft enter safe mode?",
            "Reduce payload power before a long eclipse.",
            "A single event upset corrupted one memory word.",
            "The star tracker was blinded by the Moon.",
            "Propellant lines are kept above +10 degC.",
            "The detumble mode ends when the body rate is below 0.05 deg/s.",
            "Mass memory capacity: 512 GB.",
            "Is it safe to fire the thrusters during an eclipse?",
            "What happens when the battery voltage stays below 25.6 V for 30 s?",
            "Plan the pass, brief the team, then uplink the command plan.",
            "Anomaly reports are filed within 24 hours.",
            "The quick onboard check passed with no errors.",
            "Lorem ipsum dolor sit amet, consectetur adipiscing elit.",
            "Ωmega and µ-metre are in the Greek block.",
            "A very long sentence that keeps going, describing the thermal control subsystem, its heaters, its"
                    + " radiators, its multi-layer insulation blankets, its thermistors and the control laws that"
                    + " keep every unit between its operating limits during sunlit and eclipse phases of the orbit.");

    static Stream<Arguments> models() {
        return Stream.of(
                Arguments.of(
                        EmbeddingModel.MINILM,
                        (Supplier<AbstractInProcessEmbeddingModel>) AllMiniLmL6V2EmbeddingModel::new,
                        0.9999),
                Arguments.of(
                        EmbeddingModel.MINILM_INT8,
                        (Supplier<AbstractInProcessEmbeddingModel>) AllMiniLmL6V2QuantizedEmbeddingModel::new,
                        0.9999),
                Arguments.of(
                        EmbeddingModel.BGE_SMALL,
                        (Supplier<AbstractInProcessEmbeddingModel>) BgeSmallEnV15EmbeddingModel::new,
                        0.9999),
                Arguments.of(
                        EmbeddingModel.E5_SMALL,
                        (Supplier<AbstractInProcessEmbeddingModel>) E5SmallV2EmbeddingModel::new,
                        0.9999));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void vectorsMatchTheReferenceImplementation(
            EmbeddingModel model, Supplier<AbstractInProcessEmbeddingModel> reference, double minCosine) {
        assertThat(SENTENCES).hasSizeGreaterThanOrEqualTo(50);
        AbstractInProcessEmbeddingModel ref = reference.get();
        try (OnnxEmbedder ours = OnnxEmbedder.load(model, cache, 1)) {
            double worst = 1;
            for (String s : SENTENCES) {
                // The reference adds no prefix of its own: give both the same input text.
                float[] expected =
                        ref.embed(model.passagePrefix() + s).content().vector();
                float[] actual = ours.embedPassage(s);
                double cos = cosineOfUnnormalised(expected, actual);
                worst = Math.min(worst, cos);
                assertThat(cos).as("cosine for %s on \"%s\"", model.id(), s).isGreaterThanOrEqualTo(minCosine);
            }
            System.out.printf(
                    "%s: worst cosine vs reference over %d sentences = %.6f%n", model.id(), SENTENCES.size(), worst);
        }
    }

    private static double cosineOfUnnormalised(float[] a, float[] b) {
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }
}
