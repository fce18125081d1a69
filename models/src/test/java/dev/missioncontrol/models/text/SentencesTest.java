package dev.missioncontrol.models.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class SentencesTest {
    @Test
    void splitsProseButNotDecimalsOrAbbreviations() {
        assertThat(Sentences.sentences("The bus is 28.0 V. Use approx. 5 A, e.g. During eclipse. Done!"))
                .containsExactly("The bus is 28.0 V.", "Use approx. 5 A, e.g. During eclipse.", "Done!");
    }

    @Test
    void keepsNumberedStepsWholeAndInOrder() {
        List<Sentences.Unit> units = Sentences.split("Intro line. Second line.\n1. First step. Still first.\n2. Next.");
        assertThat(units)
                .extracting(Sentences.Unit::text)
                .containsExactly("Intro line.", "Second line.", "First step. Still first.", "Next.");
        assertThat(units).extracting(Sentences.Unit::step).containsExactly(0, 0, 1, 2);
    }

    @Test
    void termsDropStopWordsAndKeepTelemetryNames() {
        assertThat(Terms.of("What is the value of EPS_BATT_V during eclipses?"))
                .containsExactly("eps_batt_v", "eclipse");
    }
}
