package dev.missioncontrol.models.generate;

import de.kherud.llama.InferenceParameters;
import de.kherud.llama.LlamaModel;
import de.kherud.llama.LlamaOutput;
import de.kherud.llama.ModelParameters;
import de.kherud.llama.Pair;
import de.kherud.llama.args.LogFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a user-supplied GGUF model in process through llama.cpp. The prompt carries the retrieved passages; a grammar
 * constrains the output to the JSON answer shape; tokens stream to the caller as they are sampled.
 *
 * <p>One llama.cpp context serves one generation at a time: calls are serialised.
 */
public final class LlamaGenerator implements Generator {
    private static final Logger log = LoggerFactory.getLogger(LlamaGenerator.class);

    /**
     * Settings of the llama.cpp backend.
     *
     * @param model path of the GGUF file
     * @param contextTokens context window to allocate
     * @param maxTokens most tokens to generate per answer
     * @param threads CPU threads for llama.cpp
     * @param chatTemplate wrap the prompt in the model's chat template (instruction-tuned models need it)
     * @param seed sampling seed, so runs are repeatable
     */
    public record Config(Path model, int contextTokens, int maxTokens, int threads, boolean chatTemplate, int seed) {
        public static Config of(Path model) {
            return new Config(model, 4096, 768, 2, true, 42);
        }
    }

    private final Config config;
    private final LlamaModel model;
    /** Longest a generation may take before it is cancelled and its answer failed. */
    private volatile java.time.Duration timeout = java.time.Duration.ofMinutes(10);

    /** The same generator, its generations cancelled after {@code t} (a node sets it below its answer deadline). */
    public LlamaGenerator withTimeout(java.time.Duration t) {
        this.timeout = t;
        return this;
    }

    private LlamaGenerator(Config config, LlamaModel model) {
        this.config = config;
        this.model = model;
    }

    /**
     * Loads the GGUF file.
     *
     * @throws GenerationException naming the file when it does not exist or llama.cpp cannot load it
     */
    public static LlamaGenerator load(Config config) {
        Path file = config.model();
        if (!Files.isRegularFile(file)) {
            throw new GenerationException("GGUF model file " + file.toAbsolutePath() + " does not exist. Set"
                    + " generator.gguf to the path of a .gguf model (for example a Qwen2.5 or Llama 3 instruct"
                    + " quantisation).");
        }
        LlamaModel.setLogger(LogFormat.TEXT, (level, message) -> log.debug("llama.cpp {}: {}", level, message.strip()));
        try {
            ModelParameters params = new ModelParameters()
                    .setModel(file.toString())
                    .setCtxSize(config.contextTokens())
                    .setThreads(config.threads())
                    .setGpuLayers(0);
            return new LlamaGenerator(config, new LlamaModel(params));
        } catch (RuntimeException e) {
            throw new GenerationException(
                    "llama.cpp could not load " + file.toAbsolutePath() + ": " + e.getMessage()
                            + ". Is it a GGUF model of a supported architecture (llama, qwen2, phi3, gemma, gpt2)?",
                    e);
        }
    }

    @Override
    public String describe() {
        return "llama.cpp(" + config.model().getFileName() + ")";
    }

    @Override
    public synchronized Answer generate(String question, List<Passage> passages, Consumer<String> tokens) {
        InferenceParameters params = new InferenceParameters("")
                .setNPredict(config.maxTokens())
                .setTemperature(0.2f)
                .setSeed(config.seed())
                .setGrammar(AnswerPrompt.grammar(passages, 600));
        if (config.chatTemplate()) {
            params.setUseChatTemplate(true)
                    .setMessages(
                            AnswerPrompt.SYSTEM, List.of(new Pair<>("user", AnswerPrompt.user(question, passages))));
        } else {
            params.setPrompt(
                    AnswerPrompt.SYSTEM + "\n\n" + AnswerPrompt.user(question, passages) + "\n\nJSON answer:\n");
        }
        StringBuilder out = new StringBuilder();
        long end = System.nanoTime() + timeout.toNanos();
        try {
            de.kherud.llama.LlamaIterator it = model.generate(params).iterator();
            while (it.hasNext()) {
                LlamaOutput piece = it.next();
                out.append(piece.text);
                tokens.accept(piece.text);
                if (System.nanoTime() > end) {
                    it.cancel();
                    throw new GenerationException("llama.cpp gave no complete answer within " + timeout.toMillis()
                            + " ms (the generation timeout) with "
                            + config.model().getFileName());
                }
            }
        } catch (GenerationException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new GenerationException(
                    "llama.cpp generation with " + config.model() + " failed: " + e.getMessage(), e);
        }
        return Answer.parse(out.toString(), passages);
    }

    @Override
    public synchronized void close() {
        model.close();
    }
}
