package dev.missioncontrol.models.embed;

/**
 * Turns text into an L2-normalised sentence vector, so the dot product of two vectors is their cosine similarity.
 *
 * <p>Implementations are thread-safe: one instance serves every thread of a node.
 */
public interface Embedder extends AutoCloseable {

    /** The model behind the vectors, for logs and index fingerprints. */
    String modelId();

    /**
     * Identity of the vectors: changes whenever the same text would get a different vector (model, window, pooling,
     * prefixes), so stored vectors are never mixed with new ones.
     */
    default String vectorFingerprint() {
        return modelId();
    }

    /** Length of every vector this embedder returns. */
    int dimension();

    /** Vector of a search query (adds the model's query prefix, if it has one). */
    float[] embedQuery(String text);

    /** Vector of a passage to be searched (adds the model's passage prefix, if it has one). */
    float[] embedPassage(String text);

    /**
     * Vector for symmetric comparison of two texts of the same kind, for example two answers in a vote. Uses the
     * query form, as the model authors recommend for symmetric tasks.
     */
    default float[] embedSymmetric(String text) {
        return embedQuery(text);
    }

    /** Whether a text fits in the model's token window; longer text is truncated when embedded. */
    boolean fitsWindow(String text);

    @Override
    void close();

    /** Dot product of two normalised vectors: their cosine similarity. */
    static double cosine(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("Vectors differ in length: " + a.length + " vs " + b.length);
        }
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += (double) a[i] * b[i];
        }
        return sum;
    }
}
