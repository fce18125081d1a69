package dev.missioncontrol.models.generate;

/** Generating an answer failed; the message says which backend, file or URL, and what to do. */
public final class GenerationException extends RuntimeException {
    public GenerationException(String message) {
        super(message);
    }

    public GenerationException(String message, Throwable cause) {
        super(message, cause);
    }
}
