package dev.missioncontrol.knowledge.corpus;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class MarkdownChunkerTest {
    private final MarkdownChunker chunker = new MarkdownChunker(40, 10);

    @Test
    void explicitIdsAreKeptAndTheIntroductionIsSkipped() {
        String md = """
                # Power
                Intro sentence.

                ## Battery {#eps-battery}
                The battery has 60 Ah.

                ## Bus {#eps-bus}
                The bus is 28.0 V.
                """;
        List<Chunk> chunks = chunker.chunk("01-power", md);
        assertThat(chunks).extracting(Chunk::id).containsExactly("eps-battery", "eps-bus");
        assertThat(chunks.getFirst().title()).isEqualTo("Power");
        assertThat(chunks.getFirst().section()).isEqualTo("Battery");
        assertThat(chunks.getFirst().text()).isEqualTo("The battery has 60 Ah.");
    }

    @Test
    void headingsWithoutIdsGetSlugsDuplicatesAreNumberedAndEmptySectionsSkipped() {
        String md = "Preface text here.\n# Title\n## Notes\nOne.\n## Notes\nTwo.\n### Deep Dive: X/Y\nThree.\n";
        List<Chunk> chunks = chunker.chunk("guide", md);
        assertThat(chunks)
                .extracting(Chunk::id)
                .containsExactly("guide/introduction", "guide/notes", "guide/notes-2", "guide/deep-dive-x-y");
    }

    @Test
    void longSectionsAreWindowedWithOverlapOnSentenceBoundaries() {
        StringBuilder body = new StringBuilder();
        for (int i = 1; i <= 12; i++) {
            body.append("Sentence number ").append(i).append(" has exactly seven words. ");
        }
        List<Chunk> chunks = chunker.chunk("doc", "## Long {#long}\n" + body);
        assertThat(chunks).hasSizeGreaterThan(1);
        assertThat(chunks).extracting(Chunk::id).startsWith("long", "long-p2");
        for (Chunk c : chunks) {
            assertThat(MarkdownChunker.words(c.text())).isLessThanOrEqualTo(40);
            assertThat(c.text()).startsWith("Sentence number").endsWith("words.");
        }
        // The last sentence of one window opens the next one.
        String firstLast = chunks.get(0).text().replaceAll(".*(Sentence number \\d+)[^.]*\\.$", "$1");
        assertThat(chunks.get(1).text()).contains(firstLast);
        assertThat(chunks.getLast().text()).contains("Sentence number 12");
    }

    @Test
    void fencedCodeIsNotTakenForHeadings() {
        List<Chunk> chunks = chunker.chunk("doc", "## Real {#real}\n```\n# not a heading\n```\nText.\n");
        assertThat(chunks).singleElement().satisfies(c -> assertThat(c.text()).contains("# not a heading"));
    }
}
