package dev.missioncontrol.knowledge.corpus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.missioncontrol.knowledge.eval.EvalQuestion;
import dev.missioncontrol.knowledge.eval.EvalSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The shipped handbook and evaluation set hold what the product promises about them. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HandbookTest {
    private final List<Chunk> chunks = Handbook.chunks(new MarkdownChunker());
    private final Map<String, Chunk> byId = chunks.stream().collect(Collectors.toMap(Chunk::id, Function.identity()));

    @Test
    void atLeastTenSubsystemsAndOneHundredFiftyChunksWithStableIds() {
        assertThat(Handbook.contents()).hasSizeGreaterThanOrEqualTo(11);
        assertThat(chunks).hasSizeGreaterThanOrEqualTo(150);
        assertThat(chunks).allSatisfy(c -> assertThat(c.id()).matches("[a-z]+-[a-z0-9-]+"));
        assertThat(chunks.stream().map(Chunk::doc).distinct()).hasSizeGreaterThanOrEqualTo(11);
    }

    @Test
    void evaluationSetCoversTheHandbookAndItsFactsAreQuoted() {
        List<EvalQuestion> questions = EvalSet.load();
        assertThat(questions).hasSizeGreaterThanOrEqualTo(120);
        assertThat(questions.stream().filter(q -> !q.answerable())).hasSizeGreaterThanOrEqualTo(15);
        assertThat(questions.stream().map(EvalQuestion::kind).distinct())
                .contains("fact", "paraphrase", "procedure", "unanswerable");
        assertQuoted(questions);
    }

    @Test
    void theUsersSetSpeaksOfEveryDocumentInEverydayWordsAndHasBalancedHalves() {
        List<EvalQuestion> users = EvalSet.load(EvalSet.USERS);
        List<EvalQuestion> answerable =
                users.stream().filter(EvalQuestion::answerable).toList();
        assertThat(answerable).hasSizeGreaterThanOrEqualTo(60);
        assertThat(users.stream().filter(q -> !q.answerable())).hasSizeGreaterThanOrEqualTo(30);
        assertThat(answerable.stream()
                        .map(q -> byId.get(q.chunks().getFirst()).doc())
                        .distinct())
                .as("every handbook document is asked about")
                .hasSize(Handbook.contents().size());
        for (EvalQuestion q : answerable) {
            // Users do not speak in telemetry mnemonics.
            assertThat(q.question()).as(q.id()).doesNotContainPattern("\\b[A-Z]{2,}_[A-Z0-9_]+\\b");
        }
        // Roughly even halves; questions written after tuning go to the test half only, so it may be the larger.
        for (var set : EvalSet.all().values()) {
            long tune = EvalSet.half(set, EvalQuestion.TUNE).size();
            assertThat(tune).as("tuning half").isBetween(set.size() * 2L / 5, set.size() / 2L + 4);
        }
        assertQuoted(users);
        assertThat(EvalSet.all().values().stream().flatMap(List::stream).map(EvalQuestion::id))
                .doesNotHaveDuplicates();
    }

    private void assertQuoted(List<EvalQuestion> questions) {
        assertThat(questions.stream().map(EvalQuestion::id).distinct()).hasSize(questions.size());
        for (EvalQuestion q : questions) {
            for (String id : q.chunks()) {
                assertThat(byId).as("%s cites %s", q.id(), id).containsKey(id);
            }
            for (String fact : q.facts()) {
                // The evaluation matches facts case-insensitively.
                assertThat(q.chunks().stream().map(byId::get).anyMatch(c -> c.text()
                                .toLowerCase(java.util.Locale.ROOT)
                                .contains(fact.toLowerCase(java.util.Locale.ROOT))))
                        .as("%s: fact '%s' is quoted from its chunk", q.id(), fact)
                        .isTrue();
            }
        }
    }

    @Test
    void sharedFactsHaveOneValueEverywhere() {
        String all = chunks.stream().map(Chunk::text).collect(Collectors.joining("\n"));
        // Values of the reference spacecraft that several documents repeat must never disagree.
        assertThat(all)
                .contains("28.0 V")
                .doesNotContainPattern("main bus (voltage )?(is|of) (?!28\\.0)\\d+(\\.\\d)? V");
        assertThat(all).doesNotContainPattern("watchdog (of|is) (?!2 s)\\d+ s");
        assertThat(all)
                .doesNotContainPattern("\\b(?!550)\\d{3} km (mean )?altitude")
                .contains("550 km");
        assertThat(all).doesNotContainPattern("period of (?!95\\.6)\\d+(\\.\\d)? min");
    }
}
