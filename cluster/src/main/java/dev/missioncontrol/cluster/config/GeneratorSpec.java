package dev.missioncontrol.cluster.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What writes a node's answers, as its line in the cluster file says: {@code grounded} (the default: extractive,
 * needs no model file and no server), {@code llama} with {@code gguf=FILE}, or {@code openai} with {@code url=} and
 * {@code llm-model=} and, for a server that needs one, {@code api-key-env=} — the name of the environment variable that
 * holds the key on the node's host, never the key itself.
 */
public record GeneratorSpec(String kind, String gguf, String url, String llmModel, String apiKeyEnv) {
    public static final GeneratorSpec GROUNDED = new GeneratorSpec("grounded", "", "", "", "");
    /** The settings of a node line that belong to its generator. */
    public static final List<String> KEYS = List.of("generator", "gguf", "url", "llm-model", "api-key-env");

    public GeneratorSpec {
        kind = kind == null || kind.isBlank() ? "grounded" : kind;
        gguf = gguf == null ? "" : gguf;
        url = url == null ? "" : url;
        llmModel = llmModel == null ? "" : llmModel;
        apiKeyEnv = apiKeyEnv == null ? "" : apiKeyEnv;
        switch (kind) {
            case "grounded" -> {}
            case "llama" -> {
                if (gguf.isEmpty()) {
                    throw new IllegalArgumentException("generator=llama needs gguf=FILE (the path of a .gguf file)");
                }
            }
            case "openai" -> {
                if (!url.startsWith("http://") && !url.startsWith("https://")) {
                    throw new IllegalArgumentException("generator=openai needs url=http://HOST:PORT/v1 (the server's"
                            + " OpenAI-compatible base URL), was '" + url + "'");
                }
                if (llmModel.isEmpty()) {
                    throw new IllegalArgumentException(
                            "generator=openai needs llm-model=NAME (the model as the server lists it)");
                }
            }
            default ->
                throw new IllegalArgumentException("generator must be grounded, llama or openai, was '" + kind + "'");
        }
        if (!apiKeyEnv.isEmpty() && !apiKeyEnv.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw new IllegalArgumentException(
                    "api-key-env must name an environment variable (letters, digits, _), was '" + apiKeyEnv + "'");
        }
    }

    /** From a node line's settings (only the generator's keys are read). */
    public static GeneratorSpec of(Map<String, String> settings) {
        return new GeneratorSpec(
                settings.get("generator"),
                settings.get("gguf"),
                settings.get("url"),
                settings.get("llm-model"),
                settings.get("api-key-env"));
    }

    /**
     * From settings written as on a node line: {@code generator=openai url=… llm-model=…}.
     *
     * @throws IllegalArgumentException naming a setting that is not a generator's, or what a generator lacks
     */
    public static GeneratorSpec parse(String settings) {
        Map<String, String> out = new java.util.HashMap<>();
        for (String s : settings.strip().split("\\s+")) {
            if (s.isEmpty()) {
                continue;
            }
            String[] kv = s.split("=", 2);
            if (kv.length != 2 || !KEYS.contains(kv[0])) {
                throw new IllegalArgumentException(
                        "expected key=value settings among " + String.join(", ", KEYS) + ", found '" + s + "'");
            }
            out.put(kv[0], kv[1]);
        }
        return of(out);
    }

    /** The settings as they are written on a node line (nothing for the default). */
    public String settings() {
        if (kind.equals("grounded")) {
            return "";
        }
        List<String> out = new ArrayList<>(List.of("generator=" + kind));
        if (!gguf.isEmpty()) {
            out.add("gguf=" + gguf);
        }
        if (!url.isEmpty()) {
            out.add("url=" + url);
        }
        if (!llmModel.isEmpty()) {
            out.add("llm-model=" + llmModel);
        }
        if (!apiKeyEnv.isEmpty()) {
            out.add("api-key-env=" + apiKeyEnv);
        }
        return String.join(" ", out);
    }

    /** For people: "grounded", "qwen2.5:0.5b via openai", "llama tiny.gguf" (the URL is in the cluster file). */
    public String describe() {
        return switch (kind) {
            case "llama" -> "llama " + java.nio.file.Path.of(gguf).getFileName();
            case "openai" -> llmModel + " via openai";
            default -> "grounded";
        };
    }

    /** The retrieval model and, when it is not the grounded one, the generator: a node's label on tiles and cards. */
    public static String label(String retrievalModel, String generator) {
        return generator == null || generator.isEmpty() || generator.equals("grounded")
                ? retrievalModel
                : retrievalModel + " · " + generator;
    }
}
