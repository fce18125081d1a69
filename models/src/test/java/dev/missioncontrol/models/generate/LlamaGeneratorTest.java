package dev.missioncontrol.models.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The real llama.cpp load-and-generate path on a tiny random-weight model this test writes itself. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class LlamaGeneratorTest {
    @TempDir
    Path dir;

    static final List<Passage> PASSAGES = List.of(
            new Passage(
                    "eps-battery-limits",
                    "01-power-eps",
                    "Battery limits",
                    "The battery voltage EPS_BATT_V must stay below 33.2 V.",
                    0.8,
                    1),
            new Passage(
                    "tcs-battery-heaters",
                    "02-thermal",
                    "Battery heaters",
                    "Survival heaters switch on at +2 degC.",
                    0.6,
                    0.5));

    @Test
    void tinyModelStreamsTokensAndTheGrammarYieldsTheAnswerShape() throws Exception {
        Path gguf = TinyGguf.write(dir.resolve("tiny.gguf"), 7);
        var config = new LlamaGenerator.Config(gguf, 2048, 900, 2, false, 42);
        List<String> streamed = new ArrayList<>();
        try (LlamaGenerator generator = LlamaGenerator.load(config)) {
            Answer answer = generator.generate("What is the battery voltage limit?", PASSAGES, streamed::add);

            assertThat(streamed).hasSizeGreaterThan(5);
            assertThat(answer.answer()).isNotBlank();
            assertThat(Answer.ACTIONS).contains(answer.action());
            assertThat(answer.confidence()).isBetween(0.0, 1.0);
            assertThat(answer.citations())
                    .allSatisfy(c -> assertThat(List.of("eps-battery-limits", "tcs-battery-heaters"))
                            .contains(c.chunk()));
            // The streamed text is the JSON itself and parses to the same answer.
            assertThat(Answer.parse(String.join("", streamed), PASSAGES)).isEqualTo(answer);
        }
    }

    @Test
    void aGenerationPastItsTimeoutIsCancelledAndFails() throws Exception {
        Path gguf = TinyGguf.write(dir.resolve("slow.gguf"), 7);
        try (LlamaGenerator generator = LlamaGenerator.load(new LlamaGenerator.Config(gguf, 2048, 900, 2, false, 42))
                .withTimeout(java.time.Duration.ofMillis(1))) {
            org.assertj.core.api.Assertions.assertThatThrownBy(
                            () -> generator.generate("What is the battery voltage limit?", PASSAGES, t -> {}))
                    .isInstanceOf(GenerationException.class)
                    .hasMessageContaining("no complete answer within 1 ms");
        }
    }

    @Test
    void missingModelFileIsNamed() {
        Path missing = dir.resolve("nope.gguf");
        assertThatThrownBy(() -> LlamaGenerator.load(LlamaGenerator.Config.of(missing)))
                .isInstanceOf(GenerationException.class)
                .hasMessageContaining(missing.toAbsolutePath().toString())
                .hasMessageContaining("does not exist");
    }

    @Test
    void corruptModelFileIsNamed() throws Exception {
        Path bad = Files.writeString(dir.resolve("bad.gguf"), "this is not a gguf file");
        assertThatThrownBy(() -> LlamaGenerator.load(LlamaGenerator.Config.of(bad)))
                .isInstanceOf(GenerationException.class)
                .hasMessageContaining(bad.toAbsolutePath().toString());
    }
}
