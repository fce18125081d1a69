package dev.missioncontrol.knowledge.corpus;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The KESTREL-1 spacecraft operations handbook shipped on the class path under {@code handbook/}, in the order of
 * {@code handbook/contents.txt}.
 */
public final class Handbook {
    private static final String ROOT = "handbook/";

    private Handbook() {}

    /** Every handbook chunk, in handbook order. Ids are checked to be unique. */
    public static List<Chunk> chunks(MarkdownChunker chunker) {
        List<Chunk> all = new ArrayList<>();
        Map<String, String> seen = new HashMap<>();
        for (String file : contents()) {
            String doc = file.replaceFirst("\\.md$", "");
            for (Chunk c : chunker.chunk(doc, read(ROOT + file))) {
                String previous = seen.put(c.id(), doc);
                if (previous != null) {
                    throw new IllegalStateException(
                            "Handbook chunk id " + c.id() + " is used in both " + previous + " and " + doc);
                }
                all.add(c);
            }
        }
        return all;
    }

    /** File names of the handbook documents, in order. */
    public static List<String> contents() {
        return read(ROOT + "contents.txt")
                .lines()
                .map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#"))
                .toList();
    }

    private static String read(String resource) {
        try (InputStream in = Handbook.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("Handbook resource " + resource + " is missing from the class path;"
                        + " the distribution is incomplete.");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read handbook resource " + resource, e);
        }
    }
}
