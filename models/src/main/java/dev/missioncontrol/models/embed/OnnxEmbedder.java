package dev.missioncontrol.models.embed;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.io.InputStream;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Embedder} over ONNX Runtime: WordPiece tokens in, the encoder's last hidden state out, pooled (mean over the
 * attention mask or the CLS token, as the model expects) and L2-normalised.
 *
 * <p>Thread-safe: {@link OrtSession#run} may be called concurrently and the tokenizer is immutable. Texts are embedded
 * one at a time, never padded into a batch, so a text always gets the same vector (int8 kernels otherwise vary with
 * the batch).
 */
public final class OnnxEmbedder implements Embedder {
    private static final Logger log = LoggerFactory.getLogger(OnnxEmbedder.class);

    private final EmbeddingModel model;
    private final WordPieceTokenizer tokenizer;
    private final OrtEnvironment env;
    private final OrtSession session;
    private final boolean wantsTokenTypes;
    private final int dimension;

    /**
     * The last texts embedded and their vectors. A node embeds the same text more than once in a short time: the
     * question (retrieval, then the generator), its own answer (when it answers, then when it checks the leader's
     * vote), and answers that several nodes worded identically. Each costs 5–35 ms of CPU on a core the other nodes
     * share.
     */
    private final Map<String, float[]> recent = new LinkedHashMap<>(RECENT * 2, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, float[]> eldest) {
            return size() > RECENT;
        }
    };

    private static final int RECENT = 64;

    private OnnxEmbedder(EmbeddingModel model, WordPieceTokenizer tokenizer, OrtEnvironment env, OrtSession session) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.env = env;
        this.session = session;
        Set<String> inputs = session.getInputNames();
        this.wantsTokenTypes = inputs.contains("token_type_ids");
        this.dimension = embedRaw("dimension probe").length;
    }

    /**
     * Loads a shipped model. Its ONNX file is copied once from the class path into {@code cacheDir} (so the model is
     * not held on the Java heap) and reused from there.
     *
     * @param threads ONNX Runtime intra-op threads; 1 suits several node JVMs sharing few cores
     * @throws ModelLoadException naming the resource or file when the model is missing or unreadable
     */
    public static OnnxEmbedder load(EmbeddingModel model, Path cacheDir, int threads) {
        Path onnx = materialize(model, cacheDir);
        WordPieceTokenizer tokenizer;
        try (InputStream in = resource(model.tokenizerResource())) {
            tokenizer = WordPieceTokenizer.fromJson(in, model.tokenizerResource());
        } catch (IOException e) {
            throw new ModelLoadException(
                    "Cannot read tokenizer " + model.tokenizerResource() + " of model " + model.id() + ": "
                            + e.getMessage(),
                    e);
        }
        return open(model, onnx, tokenizer, threads);
    }

    /**
     * Loads a model from an explicit ONNX file (for example a fine-tuned variant with the same tokenizer).
     *
     * @throws ModelLoadException naming the file when it is missing or not a valid ONNX model
     */
    public static OnnxEmbedder load(EmbeddingModel model, Path onnxFile, Path tokenizerJson, int threads) {
        if (!Files.isRegularFile(onnxFile)) {
            throw new ModelLoadException("Model file " + onnxFile + " does not exist. Check the path, or omit it to"
                    + " use the shipped " + model.id() + " model.");
        }
        WordPieceTokenizer tokenizer;
        try (InputStream in = Files.newInputStream(tokenizerJson)) {
            tokenizer = WordPieceTokenizer.fromJson(in, tokenizerJson.toString());
        } catch (IOException e) {
            throw new ModelLoadException("Cannot read tokenizer file " + tokenizerJson + ": " + e.getMessage(), e);
        }
        return open(model, onnxFile, tokenizer, threads);
    }

    private static OnnxEmbedder open(EmbeddingModel model, Path onnx, WordPieceTokenizer tokenizer, int threads) {
        OrtEnvironment env = OrtRuntime.environment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(Math.max(1, threads));
            options.setInterOpNumThreads(1);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            // The arena keeps peak activation memory forever; single sentences do not need it.
            options.setCPUArenaAllocator(false);
            OrtSession session = env.createSession(onnx.toString(), options);
            OnnxEmbedder embedder = new OnnxEmbedder(model, tokenizer, env, session);
            log.info("Loaded embedding model {} from {} ({} dims)", model.id(), onnx, embedder.dimension);
            return embedder;
        } catch (OrtException e) {
            throw new ModelLoadException(
                    "Model file " + onnx + " is not a loadable ONNX model (" + e.getMessage() + "). Delete it so it is"
                            + " extracted again, or point to a valid file.",
                    e);
        }
    }

    private static Path materialize(EmbeddingModel model, Path cacheDir) {
        Path target = cacheDir.resolve(model.onnxResource());
        var url = OnnxEmbedder.class.getClassLoader().getResource(model.onnxResource());
        if (url == null) {
            resource(model.onnxResource()); // throws, naming the missing resource
        }
        try {
            // Reuse the extracted file when it is whole: same size as the jar entry.
            if (Files.isRegularFile(target)
                    && Files.size(target) == url.openConnection().getContentLengthLong()) {
                return target;
            }
            Files.createDirectories(cacheDir);
            Path tmp = Files.createTempFile(cacheDir, model.onnxResource(), ".part");
            try (InputStream in = url.openStream()) {
                Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
            return target;
        } catch (IOException e) {
            throw new ModelLoadException(
                    "Cannot extract model " + model.id() + " to " + target + ": " + e.getMessage()
                            + ". Check that the directory is writable and the disk is not full.",
                    e);
        }
    }

    private static InputStream resource(String name) {
        InputStream in = OnnxEmbedder.class.getClassLoader().getResourceAsStream(name);
        if (in == null) {
            throw new ModelLoadException("Model resource " + name + " is not on the class path. The distribution is"
                    + " incomplete: rebuild it with ./mvnw install or reinstall the application.");
        }
        return in;
    }

    @Override
    public String modelId() {
        return model.id();
    }

    @Override
    public String vectorFingerprint() {
        return model.id() + ";window=" + model.maxTokens() + ";pooling=" + model.pooling() + ";query="
                + model.queryPrefix() + ";passage=" + model.passagePrefix() + ";dims=" + dimension;
    }

    @Override
    public int dimension() {
        return dimension;
    }

    @Override
    public float[] embedQuery(String text) {
        return embedRaw(model.queryPrefix() + text);
    }

    @Override
    public float[] embedPassage(String text) {
        return embedRaw(model.passagePrefix() + text);
    }

    @Override
    public boolean fitsWindow(String text) {
        return !tokenizer.encode(model.queryPrefix() + text, model.maxTokens()).truncated();
    }

    private float[] embedRaw(String text) {
        synchronized (recent) {
            float[] v = recent.get(text);
            if (v != null) {
                return v.clone();
            }
        }
        float[] v = compute(text);
        synchronized (recent) {
            recent.put(text, v.clone());
        }
        return v;
    }

    private float[] compute(String text) {
        long[] ids = tokenizer.encode(text, model.maxTokens()).ids();
        int n = ids.length;
        long[] mask = new long[n];
        java.util.Arrays.fill(mask, 1L);
        long[] shape = {1, n};
        Map<String, OnnxTensor> inputs = new HashMap<>();
        try {
            inputs.put("input_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(ids), shape));
            inputs.put("attention_mask", OnnxTensor.createTensor(env, LongBuffer.wrap(mask), shape));
            if (wantsTokenTypes) {
                inputs.put("token_type_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(new long[n]), shape));
            }
            try (OrtSession.Result result = session.run(inputs)) {
                float[][] hidden = ((float[][][]) result.get(0).getValue())[0];
                return normalize(pool(hidden));
            }
        } catch (OrtException e) {
            throw new IllegalStateException("Embedding with " + model.id() + " failed: " + e.getMessage(), e);
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }

    private float[] pool(float[][] hidden) {
        if (model.pooling() == EmbeddingModel.Pooling.CLS) {
            return hidden[0].clone();
        }
        // Every token is attended (no padding), so the masked mean is the plain mean.
        float[] sum = new float[hidden[0].length];
        for (float[] token : hidden) {
            for (int d = 0; d < sum.length; d++) {
                sum[d] += token[d];
            }
        }
        for (int d = 0; d < sum.length; d++) {
            sum[d] /= hidden.length;
        }
        return sum;
    }

    private static float[] normalize(float[] v) {
        double norm = 0;
        for (float x : v) {
            norm += (double) x * x;
        }
        norm = Math.sqrt(norm);
        if (norm == 0) {
            return v;
        }
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (v[i] / norm);
        }
        return v;
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            log.warn("Closing ONNX session of {} failed: {}", model.id(), e.getMessage());
        }
    }
}
