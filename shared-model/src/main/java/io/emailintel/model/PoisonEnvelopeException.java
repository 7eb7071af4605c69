package io.emailintel.model;

/**
 * A pipeline message that can never become a report, however often it is retried: it goes to the
 * dead-letter queue at once. {@link #reason()} is the short machine-readable reason carried in the
 * dead-letter headers; the message says what exactly was wrong.
 */
public class PoisonEnvelopeException extends Exception {

    /** Why a document is not a usable envelope. */
    public enum Reason {
        /** Not JSON at all (or not UTF-8 text). */
        INVALID_JSON,
        /** JSON, but not an envelope at all: not an object, or an object without {@code schemaVersion}. */
        NOT_AN_ENVELOPE,
        /** An envelope of a major schema version this code does not know. */
        UNKNOWN_SCHEMA_VERSION,
        /** A required field is absent or empty. */
        MISSING_FIELD,
        /** A field has the wrong type or an impossible value. */
        INVALID_FIELD,
        /** The envelope is readable, but cannot be turned into a valid report. */
        INVALID_CONTENT;

        /** The header form, e.g. {@code invalid-json}. */
        public String code() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }

    private final Reason reason;

    public PoisonEnvelopeException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public PoisonEnvelopeException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
