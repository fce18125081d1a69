package dev.missioncontrol.models.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TermsTest {
    /** A knowledge that uses "battery", "heater" and "propellant", and translates "fuel". */
    private static final Lexicon LEXICON = new Lexicon() {
        @Override
        public boolean uses(String term) {
            return Set.of("battery", "heater", "propellant", "temperature").contains(term);
        }

        @Override
        public List<Set<String>> alternatives(String term) {
            return term.equals("fuel") ? List.of(Set.of("propellant")) : List.of();
        }
    };

    @Test
    void wordsAreLowerCasedStoppedAndPluralsFolded() {
        assertThat(Terms.of("What do the Heaters do to the BATTERY's EPS_BATT_V?"))
                .containsExactly("heater", "battery", "eps_batt_v");
    }

    @Test
    void aWordTheKnowledgeNeverUsesIsNotCountedAgainstAPassage() {
        Set<String> passage = Terms.of("The heater keeps the battery temperature above 5 degC.");
        // "dicey" is not a word of the knowledge: two of the two words it does use are found.
        assertThat(Terms.coverage(Terms.of("battery heater dicey"), passage, LEXICON))
                .isEqualTo(1.0);
        // Plain overlap counts it missing.
        assertThat(Terms.coverage(Terms.of("battery heater dicey"), passage)).isCloseTo(2 / 3.0, within(1e-9));
        // A word the knowledge uses but this passage lacks still counts against it.
        assertThat(Terms.coverage(Terms.of("battery propellant"), passage, LEXICON))
                .isEqualTo(0.5);
    }

    @Test
    void anEverydayWordCountsWhereTheHandbooksWordForItIs() {
        assertThat(Terms.coverage(Terms.of("fuel"), Terms.of("propellant tank"), LEXICON))
                .isEqualTo(1.0);
        assertThat(Terms.coverage(Terms.of("fuel"), Terms.of("battery"), LEXICON))
                .isEqualTo(0.0);
        assertThat(Terms.coverage(Terms.of("dicey"), Terms.of("battery"), LEXICON))
                .isEqualTo(0.0); // nothing that can be evidence
    }
}
