package dev.missioncontrol.models.embed;

/** A model could not be loaded; the message names the file or resource and what to do about it. */
public final class ModelLoadException extends RuntimeException {
    public ModelLoadException(String message, Throwable cause) {
        super(message, cause);
    }

    public ModelLoadException(String message) {
        super(message);
    }
}
