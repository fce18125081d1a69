package dev.missioncontrol.knowledge.scope;

import static org.assertj.core.api.Assertions.assertThat;

import dev.missioncontrol.models.generate.Passage;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ScopeTest {
    private static final String TEXT =
            "The KESTREL-1 battery has a capacity of 60 Ah. KESTREL-1 carries the imager MSI-4."
                    + " The ground station at Kiruna tracks KESTREL-1. The launch and early orbit phase follows separation."
                    + " In SAFE mode and NOMINAL mode the bus is at 28.0 V; the OBC keeps pointing the Earth-facing panel"
                    + " and switches to SAFE. One Spacecraft Controller is on console per shift, and a two-person check"
                    + " guards hazardous commands.";
    private final Scope scope = Scope.of(List.of("Electrical Power\nBattery\n" + TEXT), Set.of("satnav"));

    private static List<Passage> passages(String text) {
        return List.of(new Passage("c1", "d", "s", text, 0.8, 1));
    }

    @Test
    void theSubjectIsTheDesignationTheKnowledgeUsesMost() {
        assertThat(scope.subject()).isEqualTo("KESTREL-1");
    }

    @Test
    void aNameTheKnowledgeNeverMentionsIsNotCovered() {
        assertThat(scope.notCovered("How much propellant does Juno carry?", passages(TEXT)))
                .contains("the handbook covers KESTREL-1; it does not mention Juno");
        assertThat(scope.unknownName("What is the battery voltage on the James Webb Space Telescope?"))
                .contains("James Webb Space Telescope");
        assertThat(scope.unknownName("how high does the ISS fly?")).contains("ISS");
        assertThat(scope.unknownName("What does GOES-16's imager see?")).contains("GOES-16");
        // Its parts are words of the knowledge ("the bus is", "16 cells"), the designation is not.
        Scope words = Scope.of(List.of(TEXT + " The heater goes on at 16 degC."), Set.of());
        assertThat(words.unknownName("How long are the eclipses of a satellite like GOES-16?"))
                .contains("GOES-16");
        assertThat(words.unknownName("Is the MSI-4 on?")).isEmpty();
    }

    @Test
    void wordsTheKnowledgeHoldsSentenceStartsAndCommonCapitalsAreNotNames() {
        assertThat(scope.unknownName("Juno aside, what is the battery capacity?"))
                .isEmpty(); // first word: not judged
        assertThat(scope.unknownName("What is the Battery capacity of Kestrel-1?"))
                .isEmpty();
        assertThat(scope.unknownName("Is the MSI4 camera on? I need it on Monday. OK?"))
                .isEmpty();
        assertThat(scope.unknownName("How long is a pass over Kiruna's dish?")).isEmpty();
        assertThat(scope.unknownName("What if the RAM checker finds a bit flip?"))
                .isEmpty();
        assertThat(scope.unknownName("Is the Satnav receiver on?")).isEmpty(); // a glossary word
    }

    @Test
    void operatorsWayOfTypingIsNotTakenForNames() {
        for (String q : List.of(
                "Bus is at 26V, what do I do?",
                "Is 27.5V on the bus too low?",
                "Battery low\nWhat should I do",
                "Hi, What is the bus voltage?",
                "Quick question — What does the heater do?",
                "Battery low (What should I do?)",
                "WHAT HAPPENS IF THE BATTERY GETS TOO COLD?",
                "URGENT: BUS VOLTAGE DROPPING, WHAT NOW?",
                "How do I get out of 'SAFE' mode?",
                "How do I get out of ‘SAFE’ mode?",
                "What changes going NOMINAL-to-SAFE?",
                "Is the panel Earth-pointing in SAFE?",
                "Do the OBCs reboot at 10 PM?",
                "Thanks, I'll check: is the battery at 60 Ah?")) {
            assertThat(scope.unknownName(q)).as(q).isEmpty();
        }
        assertThat(scope.unknownName("How high does the ISS fly?")).contains("ISS"); // not the plural of "is"
    }

    @Test
    void askingForAKindOfAnswerNoPassageHoldsIsNotCovered() {
        assertThat(scope.notCovered("When was KESTREL-1 launched?", passages(TEXT)))
                .contains("the question asks for a date, and no passage about it gives one");
        assertThat(scope.notCovered("How much did the battery cost?", passages(TEXT)))
                .isPresent();
        assertThat(scope.notCovered("Who built the imager?", passages(TEXT))).isPresent();
        assertThat(scope.notCovered("Who supplies the imager's detector?", passages(TEXT)))
                .isPresent();
        assertThat(scope.notCovered("Where was KESTREL-1 launched from?", passages(TEXT)))
                .contains("the question asks for a place, and no passage about it gives one");
        assertThat(scope.notCovered(
                        "How many engineers work on the flight team?", passages("The battery has 8 cells.")))
                .isPresent();
        assertThat(scope.notCovered("When was KESTREL-1 launched?", passages("It was launched on 3 March 2025.")))
                .isEmpty();
    }

    @Test
    void questionsAboutWhatTheKnowledgeHoldsAreLeftToTheEvidence() {
        assertThat(scope.notCovered("When will the battery stop charging?", passages(TEXT)))
                .isEmpty();
        assertThat(scope.notCovered("Who is allowed to change the battery limits?", passages(TEXT)))
                .isEmpty();
        assertThat(scope.notCovered("what's the power budget in safe mode?", passages(TEXT)))
                .isEmpty();
    }

    @Test
    void aThingOtherSpacecraftHaveThatTheKnowledgeNeverMentionsIsNotCovered() {
        assertThat(scope.notCovered("What is the top speed of the rover on soft ground?", passages(TEXT)))
                .contains("the handbook covers KESTREL-1; it does not mention \"rover\"");
        assertThat(scope.unmentionedThing("how do we open the airlock hatches before a space-walk?"))
                .contains("airlock");
        assertThat(scope.unmentionedThing("How fast do the Control Moment Gyros spin?"))
                .contains("control moment gyro");
        assertThat(scope.unmentionedThing("What is the oxygen limit in the cabin?"))
                .contains("oxygen");
    }

    @Test
    void aThingTheKnowledgeDoesMentionIsLeftToTheEvidence() {
        Scope withRover = Scope.of(List.of(TEXT, "Rover\nThe rovers' wheels slip above 20 % on sand."), Set.of());
        assertThat(withRover.unmentionedThing("What is the rover's wheel slip limit?"))
                .isEmpty();
        // Everyday words for this spacecraft's own parts are the glossary's, never things it lacks.
        for (String q : List.of(
                "Which little rockets fire during the burn?",
                "How big is the dish that talks to the ground?",
                "Does the camera come back on by itself?",
                "How do I drill the safe mode procedure with a new operator?")) {
            assertThat(scope.unmentionedThing(q)).as(q).isEmpty();
        }
    }
}
