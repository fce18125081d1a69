package dev.missioncontrol.models.generate;

import java.util.List;
import java.util.function.Consumer;

/**
 * Produces a grounded JSON {@link Answer} to a question from retrieved passages.
 *
 * <p>Backends: {@link GroundedGenerator} (extractive, deterministic, the default), {@link LlamaGenerator} (a GGUF model
 * in process through llama.cpp) and {@link OpenAiGenerator} (an OpenAI-compatible HTTP server). Implementations are
 * thread-safe unless their Javadoc says otherwise.
 */
public interface Generator extends AutoCloseable {

    /**
     * Answers a question.
     *
     * @param passages retrieved passages, best first
     * @param tokens receives text as it is produced (whole answer at once for non-streaming backends); never null
     * @throws GenerationException when the backend fails; the message names the model file or URL
     */
    Answer generate(String question, List<Passage> passages, Consumer<String> tokens);

    default Answer generate(String question, List<Passage> passages) {
        return generate(question, passages, t -> {});
    }

    /** Backend and model, for logs and status, for example {@code grounded(all-minilm-l6-v2)}. */
    String describe();

    @Override
    default void close() {}
}
