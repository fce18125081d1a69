package dev.missioncontrol.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ask --local} as the launcher runs it (its own JVM, a 512 KB main-thread stack) with a question of 2,000
 * characters in several scripts on the command line: each is answered (or refused as off the handbook) and the JVM
 * exits normally. Before the fix a question of 1,999 "é" ended in a segmentation fault with no message.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class LongQuestionsTest {
    @TempDir
    Path data;

    @Test
    void twoThousandCharactersInEveryScriptAreAnsweredWithoutACrash() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        for (String question : List.of(
                "é".repeat(2_000),
                "宇宙船の電源系統について".repeat(200).substring(0, 2_000),
                "🚀".repeat(2_000),
                "ما هو جهد الحافلة الرئيسي".repeat(100).substring(0, 2_000))) {
            Process p = new ProcessBuilder(
                            java,
                            "-Xss512k",
                            "--enable-native-access=ALL-UNNAMED",
                            "--sun-misc-unsafe-memory-access=allow",
                            "-cp",
                            System.getProperty("java.class.path"),
                            "dev.missioncontrol.app.Main",
                            "ask",
                            "--local",
                            "--data-dir",
                            data.toString(),
                            "--embedding-model",
                            "all-minilm-l6-v2-int8",
                            question)
                    .redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(90, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue())
                    .as("%s…: %s", question.substring(0, 4), out)
                    .isZero();
            assertThat(out).contains("\"answer\"").doesNotContain("\tat ");
        }
    }
}
