package dev.missioncontrol.models.generate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * Asks an OpenAI-compatible chat-completions server (Ollama, llama.cpp server, vLLM) for the JSON answer, streaming
 * the reply as server-sent events.
 *
 * <p>Thread-safe: the HTTP client is shared and each call is independent.
 */
public final class OpenAiGenerator implements Generator {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Longest reply read: a server that writes more is cut off and its answer failed. */
    public static final int MAX_REPLY_CHARS = 16_000;
    /** Ends replies that outlive the timeout (a server that streams forever or stalls mid-reply). */
    private static final java.util.concurrent.ScheduledExecutorService DEADLINES =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "openai-deadlines");
                t.setDaemon(true);
                return t;
            });

    /**
     * Settings of the HTTP backend.
     *
     * @param baseUrl server root, for example {@code http://127.0.0.1:11434/v1}
     * @param model model name as the server knows it
     * @param apiKey bearer token, or empty for servers that need none
     * @param timeout per-request deadline
     */
    public record Config(URI baseUrl, String model, String apiKey, Duration timeout) {
        public Config {
            if (baseUrl == null
                    || baseUrl.getScheme() == null
                    || !baseUrl.getScheme().startsWith("http")) {
                throw new IllegalArgumentException("generator.url must be an http(s) URL, was " + baseUrl);
            }
            if (model == null || model.isBlank()) {
                throw new IllegalArgumentException("generator.model must name the server's model");
            }
            apiKey = apiKey == null ? "" : apiKey;
        }
    }

    private final Config config;
    private final HttpClient http;

    public OpenAiGenerator(Config config) {
        this.config = config;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(config.timeout())
                .build();
    }

    @Override
    public String describe() {
        return "openai(" + config.model() + " @ " + config.baseUrl() + ")";
    }

    /**
     * Checks that the server answers and knows the model.
     *
     * @throws GenerationException naming the URL when it does not answer or lacks the model
     */
    public void healthCheck() {
        HttpRequest request = request(URI.create(base() + "/models")).GET().build();
        HttpResponse<String> response = send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new GenerationException("Server " + base() + "/models answered HTTP " + response.statusCode()
                    + ". Check generator.url and generator.api-key.");
        }
        try {
            for (JsonNode m : JSON.readTree(response.body()).path("data")) {
                if (config.model().equals(m.path("id").asText())) {
                    return;
                }
            }
        } catch (IOException e) {
            throw new GenerationException("Server " + base() + "/models did not return JSON: " + e.getMessage());
        }
        throw new GenerationException("Server " + base() + " does not serve model '" + config.model()
                + "'. Pull or load it there, or set generator.model to one it lists.");
    }

    @Override
    public Answer generate(String question, List<Passage> passages, Consumer<String> tokens) {
        ObjectNode body = JSON.createObjectNode();
        body.put("model", config.model());
        body.put("stream", true);
        body.put("temperature", 0.1);
        body.putObject("response_format").put("type", "json_object");
        ArrayNode messages = body.putArray("messages");
        messages.addObject().put("role", "system").put("content", AnswerPrompt.SYSTEM);
        messages.addObject().put("role", "user").put("content", AnswerPrompt.user(question, passages));
        HttpRequest request = request(URI.create(base() + "/chat/completions"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                .build();
        long start = System.nanoTime();
        HttpResponse<java.io.InputStream> response = send(request, HttpResponse.BodyHandlers.ofInputStream());
        StringBuilder content = new StringBuilder();
        java.util.concurrent.atomic.AtomicBoolean late = new java.util.concurrent.atomic.AtomicBoolean();
        long left = Math.max(1, config.timeout().toMillis() - (System.nanoTime() - start) / 1_000_000);
        java.util.concurrent.ScheduledFuture<?> deadline = DEADLINES.schedule(
                () -> {
                    late.set(true);
                    try {
                        response.body().close();
                    } catch (IOException ignored) {
                        // Closing is all that is wanted.
                    }
                },
                left,
                java.util.concurrent.TimeUnit.MILLISECONDS);
        try (BufferedReader reader =
                new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            if (response.statusCode() != 200) {
                String error = reader.lines().reduce("", (a, b) -> a + b);
                throw new GenerationException("Server " + base() + " answered HTTP " + response.statusCode() + ": "
                        + error.substring(0, Math.min(200, error.length())));
            }
            String line;
            StringBuilder plain = new StringBuilder(); // a server that ignores "stream": one JSON body
            while ((line = reader.readLine()) != null) {
                if (!line.startsWith("data:")) {
                    if (plain.length() <= MAX_REPLY_CHARS) {
                        plain.append(line).append('\n');
                    }
                    continue;
                }
                String data = line.substring(5).strip();
                if (data.equals("[DONE]")) {
                    break;
                }
                JsonNode choice = JSON.readTree(data).path("choices").path(0);
                String piece = choice.path("delta").path("content").asText("");
                if (piece.isEmpty()) {
                    piece = choice.path("message").path("content").asText("");
                }
                if (!piece.isEmpty()) {
                    content.append(piece);
                    tokens.accept(piece);
                }
                if (content.length() > MAX_REPLY_CHARS) {
                    throw new GenerationException("Server " + base() + " wrote more than " + MAX_REPLY_CHARS
                            + " characters; the reply was cut off and not used");
                }
            }
            if (content.isEmpty() && !plain.toString().isBlank()) {
                String whole = JSON.readTree(plain.toString())
                        .path("choices")
                        .path(0)
                        .path("message")
                        .path("content")
                        .asText("");
                content.append(whole);
                tokens.accept(whole);
            }
        } catch (IOException | RuntimeException e) {
            if (late.get()) {
                throw timedOut(e);
            }
            if (e instanceof GenerationException g) {
                throw g;
            }
            throw new GenerationException("Reading the reply of " + base() + " failed: " + e.getMessage(), e);
        } finally {
            deadline.cancel(false);
        }
        if (late.get()) {
            throw timedOut(null);
        }
        return Answer.parse(content.toString(), passages);
    }

    private GenerationException timedOut(Throwable cause) {
        return new GenerationException(
                "Server " + base() + " gave no complete answer within "
                        + config.timeout().toMillis() + " ms (the generation timeout)",
                cause);
    }

    private String base() {
        String s = config.baseUrl().toString();
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    private HttpRequest.Builder request(URI uri) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(config.timeout());
        if (!config.apiKey().isEmpty()) {
            b.header("Authorization", "Bearer " + config.apiKey());
        }
        return b;
    }

    private <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        try {
            return http.send(request, handler);
        } catch (IOException e) {
            throw new GenerationException(
                    "Server " + request.uri() + " does not answer ("
                            + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage())
                            + "). Is it running? Check generator.url.",
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GenerationException("Interrupted while waiting for " + request.uri(), e);
        }
    }
}
