package dev.missioncontrol.models.generate;

/** Where a statement of an answer comes from: document, section heading and chunk id. */
public record Citation(String doc, String section, String chunk) {
    public static Citation of(Passage p) {
        return new Citation(p.doc(), p.section(), p.chunk());
    }
}
