package io.emailintel.ingester.opencti;

/**
 * OpenCTI did not accept a call, classified where the answer is understood: {@linkplain #isTransient()
 * transient} (unreachable, timed out, HTTP 5xx/429, not authorised right now) or final (a GraphQL error that
 * will not change on retry, e.g. a bundle the platform refuses).
 */
public final class OpenCtiException extends Exception {

    private final boolean transientFailure;
    private final String reason;

    private OpenCtiException(boolean transientFailure, String reason, String message, Throwable cause) {
        super(message, cause);
        this.transientFailure = transientFailure;
        this.reason = reason;
    }

    public static OpenCtiException unavailable(String reason, String message, Throwable cause) {
        return new OpenCtiException(true, reason, message, cause);
    }

    public static OpenCtiException rejected(String reason, String message) {
        return new OpenCtiException(false, reason, message, null);
    }

    public boolean isTransient() {
        return transientFailure;
    }

    /** Short machine-readable reason for the dead-letter headers, e.g. {@code opencti-http-503}. */
    public String reason() {
        return reason;
    }
}
