package io.emailintel.topology;

/**
 * Names of the AMQP headers the pipeline sets. Fetcher, ingester and the dead-letter tools agree on these;
 * operators see them in the management UI and in {@code dlq show}.
 */
public final class Headers {

    private Headers() {
    }

    /** An integer header (sent as a number or as text), or 0 when absent or unreadable. */
    public static int intValue(java.util.Map<String, Object> headers, String name) {
        Object v = headers == null ? null : headers.get(name);
        if (v instanceof Number n) {
            return n.intValue();
        }
        if (v != null) {
            try {
                return Integer.parseInt(v.toString().strip());
            } catch (NumberFormatException e) {
                return 0;
            }
        }
        return 0;
    }

    /** How many times ingestion of this envelope has failed so far (0 on first delivery). */
    public static final String ATTEMPTS = "x-email-intel-attempts";
    /** A short machine-readable reason for the last failure, e.g. {@code opencti-unavailable}. */
    public static final String FAILURE_REASON = "x-email-intel-failure-reason";
    /** The class of the exception behind the last failure. */
    public static final String EXCEPTION_CLASS = "x-email-intel-exception-class";
    /** The message of that exception (secrets removed, truncated). */
    public static final String EXCEPTION_MESSAGE = "x-email-intel-exception-message";
    /** Where it failed: decode, build, push, … */
    public static final String STAGE = "x-email-intel-stage";
    /** ISO-8601 instant of the first failure. */
    public static final String FIRST_FAILURE_AT = "x-email-intel-first-failure-at";
    /** ISO-8601 instant of the last failure. */
    public static final String LAST_FAILURE_AT = "x-email-intel-last-failure-at";
    /** The ingester instance that recorded the last failure. */
    public static final String INSTANCE = "x-email-intel-instance";
    /** ISO-8601 instant at which the fetcher published the envelope. */
    public static final String PUBLISHED_AT = "x-email-intel-published-at";
    /** ISO-8601 instant at which the mailbox received the e-mail (for age metrics without decoding). */
    public static final String RECEIVED_AT = "x-email-intel-received-at";
    /** The fetch cycle that produced the envelope. */
    public static final String FETCH_CYCLE = "x-email-intel-fetch-cycle";
    /** The envelope's schema version. */
    public static final String SCHEMA_VERSION = "x-email-intel-schema-version";
    /** How many times the envelope has been replayed from the dead-letter queue. */
    public static final String REPLAY_COUNT = "x-email-intel-replay-count";
    /** ISO-8601 instant of the last replay from the dead-letter queue. */
    public static final String REPLAYED_AT = "x-email-intel-replayed-at";
    /** The failure reason the message had when it was last replayed from the dead-letter queue. */
    public static final String REPLAYED_FROM_REASON = "x-email-intel-replayed-from-reason";
    /** The retry tier a message was last sent to (its index). */
    public static final String RETRY_TIER = "x-email-intel-retry-tier";
}
