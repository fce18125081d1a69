package dev.missioncontrol.models.generate;

/**
 * Turns retrieval evidence into a confidence for one embedding model. Each model spreads cosine similarities
 * differently (e5 scores everything high, MiniLM lower), so the point where "answered by the handbook" turns into
 * "not covered" is measured per model on the evaluation set and stored here; the README tells how to re-measure it.
 *
 * <p>raw = 0.2 × passage similarity + 0.3 × question-word coverage + 0.5 × best sentence similarity; the confidence
 * is 0.5 at the model's {@code center} and moves {@code slope} per unit of raw evidence, clamped to [0, 1].
 */
public record Calibration(double center, double slope) {
    static final double PASSAGE_WEIGHT = 0.2, COVERAGE_WEIGHT = 0.3, SENTENCE_WEIGHT = 0.5;

    public static Calibration of(String modelId) {
        return switch (modelId) {
            // Centres fitted with ./mission-control eval --calibrate on the tuning halves of every set (see README).
            case "all-minilm-l6-v2-int8" -> new Calibration(0.286, 1.6);
            case "bge-small-en-v1.5" -> new Calibration(0.481, 2.2);
            case "e5-small-v2" -> new Calibration(0.674, 3.5);
            default -> new Calibration(0.298, 1.6);
        };
    }

    double raw(double passage, double sentence, double coverage) {
        return PASSAGE_WEIGHT * passage + COVERAGE_WEIGHT * coverage + SENTENCE_WEIGHT * sentence;
    }

    double confidence(double passage, double sentence, double coverage) {
        return Math.max(0, Math.min(1, 0.5 + (raw(passage, sentence, coverage) - center) * slope));
    }
}
