package dev.missioncontrol.knowledge.index;

import java.util.Locale;

/** Which evidence ranks the passages. */
public enum RetrievalMode {
    /** Reciprocal-rank fusion of vector and BM25 rankings (the default). */
    HYBRID,
    /** Nearest neighbours of the question vector in the HNSW graph only. */
    VECTOR,
    /** Lexical BM25 over the English-analysed text only. */
    BM25;

    public static RetrievalMode parse(String s) {
        try {
            return valueOf(s.strip().toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Unknown retrieval mode '" + s + "'; use hybrid, vector or bm25");
        }
    }
}
