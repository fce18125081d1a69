package dev.missioncontrol.knowledge.corpus;

import dev.missioncontrol.models.text.Sentences;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Cuts Markdown into chunks by heading. A section longer than {@link #maxWords} words is cut into windows of about
 * that size which overlap by {@link #overlapWords} words, on sentence boundaries, so a fact near a cut is still whole
 * in one window.
 *
 * <p>Ids: a heading written {@code ## Heading {#some-id}} gives the chunk that id (the handbook does this for every
 * section, so its ids never move); other headings give {@code doc/heading-slug}. Windows after the first get
 * {@code -p2}, {@code -p3}, …. In a document with explicit ids, text before the first section is an introduction and
 * is not retrieved.
 */
public final class MarkdownChunker {
    private static final Pattern HEADING =
            Pattern.compile("^(#{1,6})\\s+(.*?)\\s*(?:\\{#([a-z0-9][a-z0-9./_-]*)})?\\s*$");

    private final int maxWords;
    private final int overlapWords;

    public MarkdownChunker(int maxWords, int overlapWords) {
        if (overlapWords >= maxWords) {
            throw new IllegalArgumentException("overlap must be smaller than the window");
        }
        this.maxWords = maxWords;
        this.overlapWords = overlapWords;
    }

    public MarkdownChunker() {
        this(200, 40);
    }

    /** Chunks of one document, in document order. */
    public List<Chunk> chunk(String doc, String markdown) {
        List<Section> sections = new ArrayList<>();
        String title = doc;
        Section current = new Section(null, "Introduction", 0);
        boolean explicitIds = false;
        boolean inFence = false;
        for (String line : markdown.split("\\R")) {
            if (line.strip().startsWith("```")) {
                inFence = !inFence;
            }
            Matcher m = inFence ? null : HEADING.matcher(line);
            if (m != null && m.matches()) {
                int level = m.group(1).length();
                String heading = m.group(2).strip();
                if (level == 1 && title.equals(doc) && sections.isEmpty() && current.body.isEmpty()) {
                    title = heading;
                    continue;
                }
                sections.add(current);
                explicitIds |= m.group(3) != null;
                current = new Section(m.group(3), heading, level);
            } else {
                current.body.append(line).append('\n');
            }
        }
        sections.add(current);

        List<Chunk> chunks = new ArrayList<>();
        Set<String> used = new HashSet<>();
        for (int s = 0; s < sections.size(); s++) {
            Section section = sections.get(s);
            String body = section.body.toString().strip();
            if (body.isEmpty() || (s == 0 && explicitIds)) {
                continue;
            }
            String base = section.id != null ? section.id : unique(doc + "/" + slug(section.heading), used);
            used.add(base);
            List<String> windows = windows(body);
            for (int w = 0; w < windows.size(); w++) {
                String id = w == 0 ? base : base + "-p" + (w + 1);
                chunks.add(new Chunk(id, doc, title, section.heading, windows.get(w)));
            }
        }
        return chunks;
    }

    private List<String> windows(String body) {
        if (words(body) <= maxWords) {
            return List.of(body);
        }
        List<String> units = new ArrayList<>();
        for (Sentences.Unit u : Sentences.split(body)) {
            units.add(u.listItem() && u.step() > 0 ? u.step() + ". " + u.text() : u.text());
        }
        List<String> windows = new ArrayList<>();
        int start = 0;
        while (start < units.size()) {
            int end = start;
            int count = 0;
            while (end < units.size() && (count == 0 || count + words(units.get(end)) <= maxWords)) {
                count += words(units.get(end));
                end++;
            }
            windows.add(String.join(units.get(start).matches("^\\d+\\. .*") ? "\n" : " ", units.subList(start, end)));
            if (end >= units.size()) {
                break;
            }
            int back = end;
            int overlap = 0;
            while (back - 1 > start && overlap + words(units.get(back - 1)) <= overlapWords) {
                back--;
                overlap += words(units.get(back));
            }
            start = back;
        }
        return windows;
    }

    static int words(String text) {
        String t = text.strip();
        return t.isEmpty() ? 0 : t.split("\\s+").length;
    }

    static String slug(String heading) {
        String s =
                heading.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "");
        return s.isEmpty() ? "section" : s;
    }

    private static String unique(String id, Set<String> used) {
        String candidate = id;
        for (int i = 2; used.contains(candidate); i++) {
            candidate = id + "-" + i;
        }
        return candidate;
    }

    private static final class Section {
        final String id;
        final String heading;
        final int level;
        final StringBuilder body = new StringBuilder();

        Section(String id, String heading, int level) {
            this.id = id;
            this.heading = heading;
            this.level = level;
        }
    }
}
