package dev.missioncontrol.models.embed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Missing and corrupt model files are reported by path, with what to do. */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class ModelFilesTest {
    @TempDir
    Path dir;

    private Path tokenizer() throws Exception {
        Path t = dir.resolve("tokenizer.json");
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("all-minilm-l6-v2-q-tokenizer.json")) {
            Files.copy(in, t);
        }
        return t;
    }

    @Test
    void aMissingModelFileIsNamed() throws Exception {
        Path missing = dir.resolve("absent.onnx");
        assertThatThrownBy(() -> OnnxEmbedder.load(EmbeddingModel.MINILM_INT8, missing, tokenizer(), 1))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining(missing.toString())
                .hasMessageContaining("does not exist");
    }

    @Test
    void aCorruptModelFileIsNamed() throws Exception {
        Path corrupt = Files.write(dir.resolve("corrupt.onnx"), new byte[] {0x08, 0x07, 0x12, 0x01, 0x00, 0x7f});
        assertThatThrownBy(() -> OnnxEmbedder.load(EmbeddingModel.MINILM_INT8, corrupt, tokenizer(), 1))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining(corrupt.toString())
                .hasMessageContaining("not a loadable ONNX model");
    }

    @Test
    void aCorruptTokenizerIsNamed() throws Exception {
        Path badTokenizer = Files.writeString(dir.resolve("tokenizer.json"), "{\"model\": {}}");
        Path onnx = dir.resolve("absent.onnx");
        Files.writeString(onnx, "x");
        assertThatThrownBy(() -> OnnxEmbedder.load(EmbeddingModel.MINILM_INT8, onnx, badTokenizer, 1))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining(badTokenizer.toString());
    }

    @Test
    void aTruncatedExtractedModelIsExtractedAgain() {
        Path cache = dir.resolve("models");
        try (OnnxEmbedder first = OnnxEmbedder.load(EmbeddingModel.MINILM_INT8, cache, 1)) {
            assertThat(first.dimension()).isEqualTo(384);
        }
        Path extracted = cache.resolve("all-minilm-l6-v2-q.onnx");
        try {
            Files.write(extracted, new byte[] {1, 2, 3});
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        try (OnnxEmbedder again = OnnxEmbedder.load(EmbeddingModel.MINILM_INT8, cache, 1)) {
            assertThat(again.embedQuery("battery voltage")).hasSize(384);
        }
    }
}
