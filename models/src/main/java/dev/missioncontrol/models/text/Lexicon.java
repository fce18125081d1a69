package dev.missioncontrol.models.text;

import java.util.List;
import java.util.Set;

/**
 * What the knowledge's words are, in the space of {@link Terms#of}, for lexical evidence: which of a question's terms
 * the knowledge uses at all, and the handbook's words a glossary gives for an everyday one. A question's word that
 * the knowledge never uses and that no glossary entry translates says nothing about whether a passage answers it, so
 * it is not counted against the passage ("steering" asked of a handbook that says "attitude control").
 */
public interface Lexicon {
    /** Knows every word and translates none: plain word overlap. */
    Lexicon PLAIN = new Lexicon() {
        @Override
        public boolean uses(String term) {
            return true;
        }

        @Override
        public List<Set<String>> alternatives(String term) {
            return List.of();
        }
    };

    /** Whether the knowledge uses this term anywhere (a passage, a heading, a title). */
    boolean uses(String term);

    /** The handbook's words for an everyday term, each as its terms ("fuel" → {"propellant"}, {"hydrazine"}). */
    List<Set<String>> alternatives(String term);
}
