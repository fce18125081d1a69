package dev.missioncontrol.knowledge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.missioncontrol.knowledge.index.RetrievalMode;
import dev.missioncontrol.knowledge.ingest.IngestException;
import dev.missioncontrol.models.embed.EmbeddingModel;
import dev.missioncontrol.models.embed.OnnxEmbedder;
import dev.missioncontrol.models.generate.Passage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The real index over the real handbook with the int8 MiniLM model: build, reuse, search, ingest, recover. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class KnowledgeBaseTest {
    @TempDir
    static Path models;

    static OnnxEmbedder embedder;

    @TempDir
    Path data;

    @BeforeAll
    static void load() {
        embedder = OnnxEmbedder.load(EmbeddingModel.MINILM_INT8, models, 1);
    }

    @AfterAll
    static void close() {
        embedder.close();
    }

    @Test
    void buildsOnceThenReusesTheIndex() {
        try (KnowledgeBase kb = KnowledgeBase.open(data, embedder)) {
            assertThat(kb.index().buildMillis()).isPositive();
            assertThat(kb.index().size()).isGreaterThanOrEqualTo(150);
        }
        try (KnowledgeBase kb = KnowledgeBase.open(data, embedder)) {
            assertThat(kb.index().buildMillis()).isZero();
            assertThat(kb.index().size()).isGreaterThanOrEqualTo(150);
        }
    }

    @Test
    void severalReadersShareOneIndexWhileAWriterUpdatesIt() throws Exception {
        try (KnowledgeBase first = KnowledgeBase.open(data, embedder)) {
            // A second and third opening of the same directory only read it: no writer's lock is taken, so two
            // 'ask --local' at once, or an ask beside an ingest, do not stand in each other's way.
            try (KnowledgeBase second = KnowledgeBase.open(data, embedder);
                    KnowledgeBase third = KnowledgeBase.open(data, embedder)) {
                assertThat(second.index().buildMillis()).isZero();
                assertThat(second.search("What is the capacity of the battery?", 3, RetrievalMode.HYBRID))
                        .isNotEmpty();
                Path note = Files.writeString(
                        Files.createDirectories(data.resolve("incoming")).resolve("bulletin-9.md"),
                        "# Bulletin 9\n## Heater Fault\nHeater HTR-4 is inoperative until further notice.\n");
                first.ingest(List.of(note));
                assertThat(third.search("Which heater is inoperative?", 3, RetrievalMode.HYBRID))
                        .isNotEmpty();
            }
            try (KnowledgeBase after = KnowledgeBase.open(data, embedder)) {
                assertThat(after.index().buildMillis()).isZero();
                assertThat(after.search("Which heater is inoperative until further notice?", 1, RetrievalMode.BM25))
                        .extracting(Passage::doc)
                        .containsExactly("bulletin-9");
            }
        }
    }

    @Test
    void everyModeFindsAnExactQuestion() {
        try (KnowledgeBase kb = KnowledgeBase.open(data, embedder)) {
            for (RetrievalMode mode : RetrievalMode.values()) {
                List<Passage> hits = kb.search("What is the capacity of the lithium-ion battery in Ah?", 5, mode);
                assertThat(hits).as(mode.name()).hasSize(5);
                assertThat(hits).extracting(Passage::chunk).as(mode.name()).contains("eps-battery");
                assertThat(hits.getFirst().similarity()).isBetween(-1.0, 1.0);
            }
        }
    }

    @Test
    void ingestedDocumentIsRetrievableAndSurvivesReopening() throws Exception {
        Path bulletin = Files.writeString(
                Files.createDirectories(data.resolve("incoming")).resolve("bulletin.md"), """
                # Operations Bulletin 7
                ## Wheel 3 Bearing
                Reaction wheel 3 shows bearing friction; keep ADCS_WHL3_RPM below 3,200 rpm until further notice.
                """);
        try (KnowledgeBase kb = KnowledgeBase.open(data, embedder)) {
            var report = kb.ingest(List.of(bulletin));
            assertThat(report.chunksPerDocument()).hasSize(1);
            assertThat(kb.search("speed limit for reaction wheel 3 bearing friction", 3, RetrievalMode.HYBRID)
                            .getFirst()
                            .text())
                    .contains("3,200 rpm");
        }
        try (KnowledgeBase kb = KnowledgeBase.open(data, embedder)) {
            assertThat(kb.index().buildMillis()).isZero();
            assertThat(kb.ingestedDocuments()).hasSize(1);
            assertThat(kb.search("wheel 3 bearing friction rpm", 3, RetrievalMode.BM25)
                            .getFirst()
                            .text())
                    .contains("3,200 rpm");
        }
    }

    @Test
    void aBadFileInTheBatchChangesNothing() throws Exception {
        Path good = Files.writeString(
                Files.createDirectories(data.resolve("incoming")).resolve("good.md"), "## A\nGood text.\n");
        Path bad = Files.writeString(data.resolve("incoming").resolve("bad.pdf"), "not a pdf");
        try (KnowledgeBase kb = KnowledgeBase.open(data, embedder)) {
            int before = kb.index().size();
            assertThatThrownBy(() -> kb.ingest(List.of(good, bad)))
                    .isInstanceOf(IngestException.class)
                    .hasMessageContaining(bad.toString());
            assertThat(kb.index().size()).isEqualTo(before);
            assertThat(kb.ingestedDocuments()).isEmpty();
        }
        try (Stream<Path> docs =
                Files.exists(data.resolve("documents")) ? Files.list(data.resolve("documents")) : Stream.empty()) {
            assertThat(docs).isEmpty();
        }
    }

    @Test
    void aCorruptedIndexIsRebuilt() throws Exception {
        try (KnowledgeBase kb = KnowledgeBase.open(data, embedder)) {
            assertThat(kb.index().size()).isPositive();
        }
        Path indexDir = data.resolve("index").resolve(embedder.modelId());
        try (Stream<Path> files = Files.list(indexDir)) {
            for (Path f : files.filter(p -> p.getFileName().toString().startsWith("segments"))
                    .toList()) {
                Files.writeString(f, "garbage");
            }
        }
        try (KnowledgeBase kb = KnowledgeBase.open(data, embedder)) {
            assertThat(kb.index().buildMillis()).isPositive();
            assertThat(kb.search("battery capacity", 1, RetrievalMode.HYBRID)).hasSize(1);
        }
    }
}
