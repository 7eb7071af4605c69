package io.emailintel.ingester.consume;

import io.emailintel.topology.Headers;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;

/** When the fetcher published an envelope, from its {@link Headers#PUBLISHED_AT} header. */
final class PublishedAt {

    private PublishedAt() {
    }

    /**
     * The header's instant, or null when it is absent or not an ISO-8601 instant (an envelope put on the queue
     * by hand, or by an older fetcher): the latency is then unknown, which is not a reason to fail the e-mail.
     */
    static Instant of(Map<String, Object> headers) {
        Object value = headers == null ? null : headers.get(Headers.PUBLISHED_AT);
        if (value == null) {
            return null;
        }
        try {
            // amqp-client delivers string headers as LongString; toString() gives the text
            return Instant.parse(value.toString().strip());
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
