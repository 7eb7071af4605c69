package io.emailintel.ingester.opencti;

/**
 * OpenCTI did not accept a call, classified where the answer is understood ({@link ErrorCodes} for the platform's
 * GraphQL error codes): {@linkplain Kind#TRANSIENT transient} (unreachable, timed out, HTTP 5xx/429, a database
 * or lock error, not authorised right now), {@linkplain Kind#FINAL final} (an answer that will not change on
 * retry, e.g. a validation error), or {@linkplain Kind#AMBIGUOUS ambiguous} (the platform wrapped a failure whose
 * cause it did not say: {@code UNSUPPORTED_ERROR}, which {@code stixBundlePush} answers for an invalid bundle and
 * for an outage alike).
 */
public final class OpenCtiException extends Exception {

    /** What a retry can be expected to do. */
    public enum Kind { TRANSIENT, FINAL, AMBIGUOUS }

    private final Kind kind;
    private final String reason;
    private final boolean authFailure;

    private OpenCtiException(Kind kind, String reason, String message, Throwable cause, boolean authFailure) {
        super(message, cause);
        this.kind = kind;
        this.reason = reason;
        this.authFailure = authFailure;
    }

    private OpenCtiException(Kind kind, String reason, String message, Throwable cause) {
        this(kind, reason, message, cause, reason.matches("opencti-http-40[13]"));
    }

    public static OpenCtiException unavailable(String reason, String message, Throwable cause) {
        return new OpenCtiException(Kind.TRANSIENT, reason, message, cause);
    }

    public static OpenCtiException rejected(String reason, String message) {
        return new OpenCtiException(Kind.FINAL, reason, message, null);
    }

    /** A failure a retry may cure or not: worth a bounded number of attempts. */
    public static OpenCtiException ambiguous(String reason, String message) {
        return new OpenCtiException(Kind.AMBIGUOUS, reason, message, null);
    }

    static OpenCtiException of(Kind kind, String reason, String message, boolean authFailure) {
        return new OpenCtiException(kind, reason, message, null, authFailure);
    }

    /** Whether our credentials were refused (HTTP 401/403 or an AUTH_ERRORS code), not the request. */
    public boolean isAuthFailure() {
        return authFailure;
    }

    public Kind kind() {
        return kind;
    }

    public boolean isTransient() {
        return kind == Kind.TRANSIENT;
    }

    /** Short machine-readable reason for the dead-letter headers, e.g. {@code opencti-http-503}. */
    public String reason() {
        return reason;
    }
}
