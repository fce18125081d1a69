package dev.missioncontrol.models.text;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Content words of a text for lexical evidence: lower-cased, stop words removed, a light plural stem. Telemetry and
 * command names such as {@code EPS_BATT_V} stay whole.
 */
public final class Terms {
    private static final Set<String> STOP = Set.of(
            "a",
            "an",
            "the",
            "and",
            "or",
            "of",
            "to",
            "in",
            "on",
            "at",
            "for",
            "from",
            "by",
            "with",
            "as",
            "is",
            "are",
            "was",
            "were",
            "be",
            "been",
            "being",
            "it",
            "its",
            "this",
            "that",
            "these",
            "those",
            "what",
            "which",
            "who",
            "whom",
            "when",
            "where",
            "why",
            "how",
            "do",
            "does",
            "did",
            "done",
            "i",
            "we",
            "you",
            "they",
            "he",
            "she",
            "my",
            "our",
            "your",
            "their",
            "there",
            "then",
            "than",
            "can",
            "could",
            "should",
            "would",
            "will",
            "shall",
            "may",
            "might",
            "must",
            "if",
            "not",
            "no",
            "yes",
            "so",
            "up",
            "down",
            "out",
            "into",
            "about",
            "over",
            "under",
            "after",
            "before",
            "during",
            "any",
            "all",
            "each",
            "every",
            "some",
            "such",
            "much",
            "many",
            "more",
            "most",
            "other",
            "also",
            "only",
            "just",
            "have",
            "has",
            "had",
            "get",
            "gets",
            "got",
            "tell",
            "me",
            "us",
            "please",
            "happen",
            "happens",
            "value",
            // What an apostrophe leaves of a contraction or a possessive ("it's", "don't", "we've").
            "s",
            "t",
            "ve",
            "ll",
            "re",
            "d",
            "m",
            "kestrel",
            "spacecraft",
            "satellite");

    private Terms() {}

    /** Distinct content terms in order of appearance. */
    public static Set<String> of(String text) {
        Set<String> terms = new LinkedHashSet<>();
        StringBuilder word = new StringBuilder();
        String lower = text.toLowerCase(Locale.ROOT);
        for (int i = 0; i <= lower.length(); i++) {
            char c = i < lower.length() ? lower.charAt(i) : ' ';
            if (Character.isLetterOrDigit(c) || c == '_' || (c == '-' && !word.isEmpty())) {
                word.append(c);
            } else {
                add(word, terms);
                word.setLength(0);
            }
        }
        return terms;
    }

    private static void add(StringBuilder word, Set<String> terms) {
        String w = word.toString();
        while (w.endsWith("-")) {
            w = w.substring(0, w.length() - 1);
        }
        if (w.isEmpty() || STOP.contains(w)) {
            return;
        }
        terms.add(stem(w));
    }
    /** The light plural stem of a lower-case word ("heaters" → "heater", "batteries" → "battery"). */
    public static String stem(String w) {
        if (w.length() > 4 && w.endsWith("ies")) {
            return w.substring(0, w.length() - 3) + "y";
        }
        if (w.length() > 3 && w.endsWith("s") && !w.endsWith("ss") && !w.endsWith("us")) {
            return w.substring(0, w.length() - 1);
        }
        return w;
    }

    /**
     * Fraction of the {@code query} terms that can be evidence found in {@code text} terms: a term the lexicon says the
     * knowledge never uses and cannot translate is left out (it would be missing from every passage alike); a term is
     * also found when every term of one of its alternatives is. 0 when no query term can be evidence.
     */
    public static double coverage(Set<String> query, Set<String> text, Lexicon lexicon) {
        int counted = 0;
        int hit = 0;
        for (String t : query) {
            List<Set<String>> alternatives = lexicon.alternatives(t);
            if (!lexicon.uses(t) && alternatives.isEmpty()) {
                continue;
            }
            counted++;
            if (text.contains(t) || alternatives.stream().anyMatch(text::containsAll)) {
                hit++;
            }
        }
        return counted == 0 ? 0 : (double) hit / counted;
    }

    /** Fraction of {@code query} terms found in {@code text} terms; 0 when the query has none. */
    public static double coverage(Set<String> query, Set<String> text) {
        return coverage(query, text, Lexicon.PLAIN);
    }
}
