package dev.missioncontrol.knowledge.eval;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The evaluation sets shipped with the handbook under {@code eval/}, listed in {@code eval/contents.txt} as lines of
 * {@code SET FILE [HALF]}: {@value #HANDBOOK}, the developers' set written beside the handbook, and {@value #USERS},
 * questions worded as users word them (everyday words, no section titles or mnemonics) and near-topic questions the
 * handbook cannot answer. Every question is in a tuning half or a test half; only the first may be tuned on.
 */
public final class EvalSet {
    public static final String HANDBOOK = "handbook";
    public static final String USERS = "users";

    private static final ObjectMapper JSON =
            new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private EvalSet() {}

    /** The developers' set, in file order (both halves): what the benches ask. */
    public static List<EvalQuestion> load() {
        return load(HANDBOOK);
    }

    /** One set's questions, in file order (both halves). */
    public static List<EvalQuestion> load(String set) {
        List<EvalQuestion> qs = all().get(set);
        if (qs == null) {
            throw new IllegalArgumentException("No evaluation set '" + set + "'; there are " + all().keySet());
        }
        return qs;
    }

    /** Every set by name, in the order {@code contents.txt} lists them. */
    public static Map<String, List<EvalQuestion>> all() {
        Map<String, List<EvalQuestion>> sets = new LinkedHashMap<>();
        for (String entry : read("eval/contents.txt")
                .lines()
                .map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#"))
                .toList()) {
            String[] f = entry.split("\\s+");
            if (f.length < 2 || f.length > 3) {
                throw new IllegalStateException("eval/contents.txt: '" + entry + "' is not 'SET FILE [HALF]'");
            }
            String half = f.length == 3 ? f[2] : null;
            List<EvalQuestion> qs = sets.computeIfAbsent(f[0], k -> new ArrayList<>());
            int n = 0;
            for (String line : read("eval/" + f[1]).lines().toList()) {
                n++;
                if (line.isBlank()) {
                    continue;
                }
                EvalQuestion q;
                try {
                    q = JSON.readValue(line, EvalQuestion.class).inHalf(half);
                } catch (IOException | IllegalArgumentException e) {
                    throw new IllegalStateException(
                            "eval/" + f[1] + " line " + n + " is not a question: " + e.getMessage(), e);
                }
                if (q.half() == null) {
                    throw new IllegalStateException("eval/" + f[1] + " line " + n + ": no half (tune or test)");
                }
                qs.add(q);
            }
        }
        sets.replaceAll((k, v) -> List.copyOf(v));
        return sets;
    }

    /** The questions of one half. */
    public static List<EvalQuestion> half(List<EvalQuestion> questions, String half) {
        return questions.stream().filter(q -> q.half().equals(half)).toList();
    }

    private static String read(String resource) {
        try (InputStream in = EvalSet.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("Evaluation resource " + resource + " is missing from the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
