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
        assertThat(questions.stream().map(EvalQuestion::id).distinct()).hasSize(questions.size());
        for (EvalQuestion q : questions) {
            for (String id : q.chunks()) {
                assertThat(byId).as("%s cites %s", q.id(), id).containsKey(id);
            }
            for (String fact : q.facts()) {
                assertThat(q.chunks().stream().map(byId::get).anyMatch(c -> c.text()
                                .contains(fact)))
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
