package dev.missioncontrol.knowledge.eval;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The evaluation questions shipped with the handbook under {@code eval/}. */
public final class EvalSet {
    private static final ObjectMapper JSON =
            new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private EvalSet() {}

    /** Every question, in file order. */
    public static List<EvalQuestion> load() {
        List<EvalQuestion> all = new ArrayList<>();
        for (String file : read("eval/contents.txt")
                .lines()
                .map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#"))
                .toList()) {
            int n = 0;
            for (String line : read("eval/" + file).lines().toList()) {
                n++;
                if (line.isBlank()) {
                    continue;
                }
                try {
                    all.add(JSON.readValue(line, EvalQuestion.class));
                } catch (IOException e) {
                    throw new IllegalStateException(
                            "eval/" + file + " line " + n + " is not a question: " + e.getMessage(), e);
                }
            }
        }
        return all;
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
