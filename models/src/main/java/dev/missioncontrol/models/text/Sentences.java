package dev.missioncontrol.models.text;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits prose into sentences and numbered or bulleted list items. Rule-based and deterministic: a sentence ends at
 * {@code . ! ?} followed by white space and an upper-case letter, digit or quote, except after common abbreviations
 * and inside decimal numbers.
 */
public final class Sentences {
    private static final Pattern LIST_ITEM = Pattern.compile("^\\s*(?:(\\d+)[.)]|[-*+•])\\s+(.*)$");
    private static final Set<String> ABBREVIATIONS = Set.of(
            "e.g", "i.e", "etc", "approx", "fig", "no", "vs", "cf", "max", "min", "nom", "ref", "sec", "vol", "dr",
            "mr", "mrs", "st", "al", "eq", "incl", "est");

    private Sentences() {}

    /** One unit of text: a sentence or a list item ({@code step} is its number, or 0 for prose). */
    public record Unit(String text, int step, boolean listItem) {}

    /** Splits a block of text into units, keeping list items whole and in order. */
    public static List<Unit> split(String text) {
        List<Unit> units = new ArrayList<>();
        StringBuilder paragraph = new StringBuilder();
        for (String line : text.split("\\R")) {
            Matcher m = LIST_ITEM.matcher(line);
            if (m.matches()) {
                flushProse(paragraph, units);
                int step = m.group(1) == null ? 0 : Integer.parseInt(m.group(1));
                String item = m.group(2).strip();
                if (!item.isEmpty()) {
                    units.add(new Unit(item, step, true));
                }
            } else if (line.isBlank()) {
                flushProse(paragraph, units);
            } else {
                if (!paragraph.isEmpty()) {
                    paragraph.append(' ');
                }
                paragraph.append(line.strip());
            }
        }
        flushProse(paragraph, units);
        return units;
    }

    /** Sentences of prose only, ignoring list structure. */
    public static List<String> sentences(String prose) {
        List<String> out = new ArrayList<>();
        int start = 0;
        int n = prose.length();
        for (int i = 0; i < n; i++) {
            char c = prose.charAt(i);
            if ((c == '.' || c == '!' || c == '?') && i + 1 < n && Character.isWhitespace(prose.charAt(i + 1))) {
                int next = i + 1;
                while (next < n && Character.isWhitespace(prose.charAt(next))) {
                    next++;
                }
                if (next >= n) {
                    break;
                }
                char after = prose.charAt(next);
                boolean startsSentence = Character.isUpperCase(after)
                        || Character.isDigit(after)
                        || after == '"'
                        || after == '\''
                        || after == '('
                        || after == '`';
                if (startsSentence && !(c == '.' && endsWithAbbreviation(prose, start, i))) {
                    String s = prose.substring(start, i + 1).strip();
                    if (!s.isEmpty()) {
                        out.add(s);
                    }
                    start = next;
                    i = next - 1;
                }
            }
        }
        String tail = prose.substring(start).strip();
        if (!tail.isEmpty()) {
            out.add(tail);
        }
        return out;
    }

    private static boolean endsWithAbbreviation(String text, int from, int dot) {
        int w = dot;
        while (w > from && (Character.isLetter(text.charAt(w - 1)) || text.charAt(w - 1) == '.')) {
            w--;
        }
        String word = text.substring(w, dot).toLowerCase(java.util.Locale.ROOT);
        // Single letters are not taken for initials: in a handbook they are units ("28.0 V. The ...").
        return ABBREVIATIONS.contains(word);
    }

    private static void flushProse(StringBuilder paragraph, List<Unit> units) {
        if (paragraph.isEmpty()) {
            return;
        }
        for (String s : sentences(paragraph.toString())) {
            units.add(new Unit(s, 0, false));
        }
        paragraph.setLength(0);
    }
}
