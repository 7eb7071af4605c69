package io.emailintel.deadletter;

import com.rabbitmq.client.AMQP;
import io.emailintel.model.EnvelopeCodec;
import io.emailintel.model.EnvelopeSummary;
import io.emailintel.topology.Headers;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Turns an AMQP message from the dead-letter queue into a {@link DeadLetter}. */
final class DeadLetterReader {

    private final EnvelopeCodec codec = new EnvelopeCodec();

    DeadLetter read(AMQP.BasicProperties props, byte[] body) {
        Map<String, Object> raw = props.getHeaders() == null ? Map.of() : props.getHeaders();
        Map<String, String> headers = new TreeMap<>();
        raw.forEach((k, v) -> headers.put(k, text(v)));
        EnvelopeSummary summary = codec.summarize(body);
        String id = props.getMessageId() != null ? props.getMessageId()
                : summary == null ? "" : summary.envelopeId();
        String reason = headers.get(Headers.FAILURE_REASON);
        Instant lastFailure = instant(headers.get(Headers.LAST_FAILURE_AT));
        Map<String, Object> death = firstDeath(raw);
        if (reason == null || reason.isBlank()) {
            reason = death != null && death.get("reason") != null ? text(death.get("reason")) : "unknown";
        }
        if (lastFailure == null && death != null && death.get("time") instanceof Date time) {
            lastFailure = time.toInstant();
        }
        if (lastFailure == null && props.getTimestamp() != null) {
            lastFailure = props.getTimestamp().toInstant();
        }
        return new DeadLetter(id == null ? "" : id,
                summary == null ? null : summary.receivedAt(),
                summary == null ? "" : summary.from(),
                summary == null ? "" : summary.subject(),
                reason,
                Headers.intValue(raw, Headers.ATTEMPTS),
                instant(headers.get(Headers.FIRST_FAILURE_AT)),
                lastFailure,
                headers.getOrDefault(Headers.STAGE, ""),
                headers.getOrDefault(Headers.EXCEPTION_CLASS, ""),
                headers.getOrDefault(Headers.EXCEPTION_MESSAGE, ""),
                Headers.intValue(raw, Headers.REPLAY_COUNT),
                body.length,
                headers);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> firstDeath(Map<String, Object> headers) {
        if (headers.get("x-death") instanceof List<?> deaths && !deaths.isEmpty()
                && deaths.get(deaths.size() - 1) instanceof Map<?, ?> first) {
            return (Map<String, Object>) first;
        }
        return null;
    }

    private static Instant instant(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(text.strip());
        } catch (RuntimeException e) {
            return null;
        }
    }

    static String text(Object v) {
        if (v == null) {
            return "";
        }
        if (v instanceof byte[] bytes) {
            return new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
        }
        if (v instanceof Date d) {
            return d.toInstant().toString();
        }
        return v.toString();
    }
}
