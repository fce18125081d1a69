package dev.missioncontrol.cluster.faults;

/** A fault that was refused, could not be applied, or could not be cleared; the message says why and what to do. */
public final class FaultException extends RuntimeException {
    public FaultException(String message) {
        super(message);
    }

    public FaultException(String message, Throwable cause) {
        super(message, cause);
    }
}
