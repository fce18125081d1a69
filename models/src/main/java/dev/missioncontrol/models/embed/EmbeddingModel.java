package dev.missioncontrol.models.embed;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The sentence-embedding models shipped with the product. Each model's ONNX file and tokenizer arrive on the class
 * path in a Maven artifact; nothing is downloaded at run time.
 */
public enum EmbeddingModel {
    /** Sentence-BERT all-MiniLM-L6-v2, fp32: the voting model and the retrieval default. */
    MINILM("all-minilm-l6-v2", "all-minilm-l6-v2.onnx", "all-minilm-l6-v2-tokenizer.json", Pooling.MEAN, 128, "", ""),
    /** all-MiniLM-L6-v2 quantised to int8: about a third of the memory, roughly twice as fast. */
    MINILM_INT8(
            "all-minilm-l6-v2-int8",
            "all-minilm-l6-v2-q.onnx",
            "all-minilm-l6-v2-q-tokenizer.json",
            Pooling.MEAN,
            128,
            "",
            ""),
    /** BAAI bge-small-en-v1.5: CLS pooling, an instruction prefix on queries. */
    BGE_SMALL(
            "bge-small-en-v1.5",
            "bge-small-en-v1.5.onnx",
            "bge-small-en-v1.5-tokenizer.json",
            Pooling.CLS,
            512,
            "Represent this sentence for searching relevant passages: ",
            ""),
    /** intfloat e5-small-v2: mean pooling, {@code query: }/{@code passage: } prefixes. */
    E5_SMALL(
            "e5-small-v2", "e5-small-v2.onnx", "e5-small-v2-tokenizer.json", Pooling.MEAN, 512, "query: ", "passage: ");

    /** How token vectors become one sentence vector. */
    public enum Pooling {
        MEAN,
        CLS
    }

    private final String id;
    private final String onnxResource;
    private final String tokenizerResource;
    private final Pooling pooling;
    private final int maxTokens;
    private final String queryPrefix;
    private final String passagePrefix;

    EmbeddingModel(
            String id,
            String onnxResource,
            String tokenizerResource,
            Pooling pooling,
            int maxTokens,
            String queryPrefix,
            String passagePrefix) {
        this.id = id;
        this.onnxResource = onnxResource;
        this.tokenizerResource = tokenizerResource;
        this.pooling = pooling;
        this.maxTokens = maxTokens;
        this.queryPrefix = queryPrefix;
        this.passagePrefix = passagePrefix;
    }

    /** The name used in configuration files and on the command line. */
    public String id() {
        return id;
    }

    String onnxResource() {
        return onnxResource;
    }

    String tokenizerResource() {
        return tokenizerResource;
    }

    public Pooling pooling() {
        return pooling;
    }

    /** Token window of the model, including the template tokens. */
    public int maxTokens() {
        return maxTokens;
    }

    public String queryPrefix() {
        return queryPrefix;
    }

    public String passagePrefix() {
        return passagePrefix;
    }

    /**
     * Looks a model up by its {@link #id()} (case-insensitive).
     *
     * @throws IllegalArgumentException naming the known ids when there is no such model
     */
    public static EmbeddingModel byId(String id) {
        for (EmbeddingModel m : values()) {
            if (m.id.equalsIgnoreCase(id.trim())) {
                return m;
            }
        }
        throw new IllegalArgumentException("Unknown embedding model '" + id + "'. Known models: " + knownIds());
    }

    public static String knownIds() {
        return Arrays.stream(values()).map(EmbeddingModel::id).collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return id.toLowerCase(Locale.ROOT);
    }
}
