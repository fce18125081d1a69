package dev.missioncontrol.models.generate;

/**
 * A retrieved chunk of a document, as handed to a {@link Generator}.
 *
 * @param chunk stable chunk id, for example {@code eps-battery-charge-limits}
 * @param doc document id (file name without extension)
 * @param section heading of the section the chunk belongs to
 * @param text the chunk's text
 * @param similarity cosine similarity of the question and the chunk vectors, in [-1, 1]
 * @param score fused retrieval score; only its order matters
 */
public record Passage(String chunk, String doc, String section, String text, double similarity, double score) {}
