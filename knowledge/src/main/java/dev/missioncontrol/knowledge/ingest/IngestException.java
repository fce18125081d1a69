package dev.missioncontrol.knowledge.ingest;

/** A document could not be ingested; the message names the file and what is wrong with it. Nothing was changed. */
public final class IngestException extends RuntimeException {
    public IngestException(String message) {
        super(message);
    }

    public IngestException(String message, Throwable cause) {
        super(message, cause);
    }
}
