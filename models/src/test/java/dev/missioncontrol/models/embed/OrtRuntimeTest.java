package dev.missioncontrol.models.embed;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * ONNX Runtime's environment survives a long command line on a small main-thread stack: a JVM with the launcher's
 * 512 KB stack, given a 2,000-character argument in each of several scripts (up to 8,000 bytes of command line), loads
 * a model and embeds the argument. Before the environment was created on a thread of its own, every one of these runs
 * ended in a segmentation fault.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class OrtRuntimeTest {
    @TempDir
    Path models;

    /** Loads a model into the directory in args[0] and embeds args[1]. */
    public static final class Probe {
        public static void main(String[] args) {
            try (OnnxEmbedder e = OnnxEmbedder.load(EmbeddingModel.MINILM_INT8, Path.of(args[0]), 1)) {
                System.out.println("embedded " + e.embedQuery(args[1]).length);
            }
        }
    }

    @Test
    void longArgumentsInEveryScriptDoNotCrashTheJvm() throws Exception {
        for (String text : List.of(
                "é".repeat(2_000),
                "宇宙船の電源系統について".repeat(200).substring(0, 2_000),
                "🚀".repeat(2_000),
                "ما هو جهد الحافلة الرئيسي".repeat(100).substring(0, 2_000))) {
            String java = ProcessHandle.current().info().command().orElse("java");
            Process p = new ProcessBuilder(
                            java,
                            "-Xss512k",
                            "--enable-native-access=ALL-UNNAMED",
                            "-cp",
                            System.getProperty("java.class.path"),
                            Probe.class.getName(),
                            models.toString(),
                            text)
                    .redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as("%s…: %s", text.substring(0, 4), out).isZero();
            assertThat(out).contains("embedded 384");
        }
    }

    @Test
    void theStackGrowsWithTheCommandLineUpToACap() {
        assertThat(OrtRuntime.stackFor(0)).isEqualTo(8L << 20);
        assertThat(OrtRuntime.stackFor(8_000)).isGreaterThan(8L << 20).isLessThan(16L << 20);
        assertThat(OrtRuntime.stackFor(2L << 20)).isEqualTo(1L << 30);
        assertThat(OrtRuntime.commandLineBytes()).isPositive();
    }
}
