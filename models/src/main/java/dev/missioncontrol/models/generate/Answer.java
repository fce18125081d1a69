package dev.missioncontrol.models.generate;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The JSON answer every generator backend produces:
 * {@code {"answer": ..., "citations": [{"doc","section","chunk"}], "confidence": 0..1, "action": ...}}.
 *
 * <p>{@code action} tells the operator what to do with it: {@link #INFORM} (a fact to read), {@link #PROCEDURE} (steps
 * to carry out, in order) or {@link #REFUSE} (the handbook does not cover the question; nothing to act on).
 */
public record Answer(
        @JsonProperty("answer") String answer,
        @JsonProperty("citations") List<Citation> citations,
        @JsonProperty("confidence") double confidence,
        @JsonProperty("action") String action) {

    public static final String INFORM = "inform";
    public static final String PROCEDURE = "procedure";
    public static final String REFUSE = "refuse";
    public static final List<String> ACTIONS = List.of(INFORM, PROCEDURE, REFUSE);

    private static final ObjectMapper JSON = new ObjectMapper()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    public Answer {
        citations = List.copyOf(citations == null ? List.of() : citations);
        confidence = Math.round(Math.max(0, Math.min(1, confidence)) * 1000) / 1000.0;
    }

    /** "Not covered by the handbook: {why}. Consult the on-call subsystem engineer." — nothing to act on. */
    public static Answer notCovered(String why, double confidence) {
        return new Answer(
                "Not covered by the handbook: " + why + ". Consult the on-call subsystem engineer.",
                List.of(),
                confidence,
                REFUSE);
    }

    public boolean refused() {
        return REFUSE.equals(action);
    }

    /** Compact JSON in the shape above, with a stable field order. */
    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Answer cannot be written as JSON", e);
        }
    }

    /**
     * Parses and validates a model's JSON output. Citations to chunks that were not among the given passages are
     * dropped, so a model cannot invent a source.
     *
     * @throws GenerationException when the text is not the JSON answer shape
     */
    public static Answer parse(String json, List<Passage> passages) {
        JsonNode root;
        try {
            root = JSON.readTree(json.strip());
        } catch (JsonProcessingException e) {
            throw new GenerationException("The model's output is not JSON: " + abbreviate(json));
        }
        if (root == null || !root.isObject() || !root.path("answer").isTextual()) {
            throw new GenerationException("The model's output lacks a text \"answer\" field: " + abbreviate(json));
        }
        List<Citation> citations = new ArrayList<>();
        for (JsonNode c : root.path("citations")) {
            String chunk = c.isTextual() ? c.asText() : c.path("chunk").asText("");
            passages.stream()
                    .filter(p -> p.chunk().equals(chunk))
                    .findFirst()
                    .map(Citation::of)
                    .filter(cit -> !citations.contains(cit))
                    .ifPresent(citations::add);
        }
        double confidence = root.path("confidence").asDouble(0);
        String action = root.path("action").asText(INFORM).toLowerCase(Locale.ROOT);
        if (!ACTIONS.contains(action)) {
            action = INFORM;
        }
        return new Answer(root.path("answer").asText(), citations, confidence, action);
    }

    /** Reads an answer back from {@link #toJson()} output, keeping its citations as written. */
    public static Answer fromJson(String json) {
        try {
            return JSON.readValue(json, Answer.class);
        } catch (JsonProcessingException e) {
            throw new GenerationException("Not an answer JSON object: " + abbreviate(json));
        }
    }

    private static String abbreviate(String s) {
        String t = s.strip().replaceAll("\\s+", " ");
        return t.length() > 160 ? t.substring(0, 160) + "…" : t;
    }
}
