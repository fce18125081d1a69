package dev.missioncontrol.models.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.missioncontrol.models.embed.Embedder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Warming, saving and loading sentence vectors; a counting embedder stands in for a model. */
class SentenceVectorsTest {
    @TempDir
    Path dir;

    /** Deterministic vectors from the text's hash; counts what it embeds. */
    static final class CountingEmbedder implements Embedder {
        final String fingerprint;
        final List<String> embedded = new ArrayList<>();

        CountingEmbedder(String fingerprint) {
            this.fingerprint = fingerprint;
        }

        @Override
        public String modelId() {
            return "counting";
        }

        @Override
        public String vectorFingerprint() {
            return fingerprint;
        }

        @Override
        public int dimension() {
            return 4;
        }

        @Override
        public float[] embedQuery(String text) {
            return embedPassage(text);
        }

        @Override
        public synchronized float[] embedPassage(String text) {
            embedded.add(text);
            int h = text.hashCode();
            return new float[] {h & 0xff, (h >> 8) & 0xff, (h >> 16) & 0xff, 1};
        }

        @Override
        public boolean fitsWindow(String text) {
            return true;
        }

        @Override
        public void close() {}
    }

    @Test
    void warmEmbedsOnlyWhatIsMissingAndReportsProgress() throws Exception {
        var e = new CountingEmbedder("m1");
        var v = new SentenceVectors(e);
        v.vector("known");
        List<SentenceVectors.Progress> seen = new ArrayList<>();
        int embedded = v.warm(List.of("known", "a", "b"), () -> true, seen::add);
        assertThat(embedded).isEqualTo(2);
        assertThat(e.embedded).containsExactly("known", "a", "b");
        assertThat(seen.getLast()).isEqualTo(new SentenceVectors.Progress(3, 3));
        assertThat(seen.getLast().complete()).isTrue();
        v.vector("a");
        assertThat(e.embedded).hasSize(3);
    }

    @Test
    void warmWaitsWhileTheCallerIsBusy() throws Exception {
        var e = new CountingEmbedder("m1");
        var v = new SentenceVectors(e);
        AtomicBoolean idle = new AtomicBoolean(false);
        CountDownLatch asked = new CountDownLatch(3);
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                v.warm(
                        List.of("a"),
                        () -> {
                            asked.countDown();
                            return idle.get();
                        },
                        p -> {});
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        });
        assertThat(asked.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(e.embedded).isEmpty();
        idle.set(true);
        t.join(5_000);
        assertThat(e.embedded).containsExactly("a");
    }

    @Test
    void savedVectorsLoadIntoAnotherRunWithoutEmbedding() throws Exception {
        Path file = dir.resolve("m.sentences");
        var first = new SentenceVectors(new CountingEmbedder("m1"));
        float[] a = first.vector("Battery voltage is 28 V.");
        first.vector("not kept");
        first.save(file, List.of("Battery voltage is 28 V.", "never embedded"));

        var e = new CountingEmbedder("m1");
        var second = new SentenceVectors(e);
        assertThat(second.load(file)).isEqualTo(1);
        assertThat(second.vector("Battery voltage is 28 V.")).containsExactly(a);
        assertThat(second.contains("not kept")).isFalse();
        assertThat(e.embedded).isEmpty();
    }

    @Test
    void aMissingFileIsNoError() throws Exception {
        assertThat(new SentenceVectors(new CountingEmbedder("m1")).load(dir.resolve("none")))
                .isZero();
    }

    @Test
    void vectorsOfAnotherModelAreRefused() throws Exception {
        Path file = dir.resolve("m.sentences");
        var first = new SentenceVectors(new CountingEmbedder("m1"));
        first.vector("x");
        first.save(file, List.of("x"));
        var other = new SentenceVectors(new CountingEmbedder("m2"));
        assertThatThrownBy(() -> other.load(file))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("not of m2");
        assertThat(other.size()).isZero();
    }

    @Test
    void aDamagedFileIsRefusedAndNothingIsLoaded() throws Exception {
        Path file = dir.resolve("m.sentences");
        var first = new SentenceVectors(new CountingEmbedder("m1"));
        first.vector("x");
        first.vector("y");
        first.save(file, List.of("x", "y"));
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length - 7));
        var second = new SentenceVectors(new CountingEmbedder("m1"));
        assertThatThrownBy(() -> second.load(file))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("damaged");
        assertThat(second.size()).isZero();

        Files.writeString(file, "not vectors at all");
        assertThatThrownBy(() -> second.load(file)).isInstanceOf(IOException.class);
        assertThat(second.size()).isZero();
    }

    @Test
    void theGeneratorRanksWithLoadedVectors() throws Exception {
        var e = new CountingEmbedder("m1");
        var generator = new GroundedGenerator(e, GroundedGenerator.Config.DEFAULT);
        String text = "The battery capacity is 60 Ah. The maximum charge voltage is 33.2 V.";
        generator
                .sentenceVectors()
                .warm(
                        List.of("The battery capacity is 60 Ah.", "The maximum charge voltage is 33.2 V."),
                        () -> true,
                        p -> {});
        e.embedded.clear();
        generator.generate(
                "What is the battery capacity?", List.of(new Passage("c", "doc", "Battery", text, 0.9, 1)), t -> {});
        assertThat(e.embedded).containsExactly("What is the battery capacity?");
    }
}
