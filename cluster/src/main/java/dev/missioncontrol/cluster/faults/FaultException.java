package dev.missioncontrol.cluster.faults;

import io.grpc.StatusRuntimeException;

/** A fault that was refused, could not be applied, or could not be cleared; the message says why and what to do. */
public final class FaultException extends RuntimeException {
    public FaultException(String message) {
        super(message);
    }

    public FaultException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The reason a failure gives, for a message: its deepest description, a gRPC status's description. */
    static String why(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null
                && (c.getMessage() == null || c instanceof java.util.concurrent.CompletionException)) {
            c = c.getCause();
        }
        if (c instanceof StatusRuntimeException s) {
            return s.getStatus().getDescription() != null
                    ? s.getStatus().getDescription()
                    : s.getStatus().getCode().toString();
        }
        return c.getMessage() != null ? c.getMessage() : c.getClass().getSimpleName();
    }
}
