package io.emailintel.fetcher;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.emailintel.model.Envelope;
import io.emailintel.model.SkippedAttachment;
import java.time.Duration;
import java.util.Locale;

/**
 * The fetcher's meters, named as the Grafana dashboard reads them: {@code emailintel_emails_fetched_total},
 * {@code emailintel_emails_published_total} (confirmed by the broker), {@code emailintel_graph_requests_total}
 * by status, {@code emailintel_graph_throttled_total} and {@code emailintel_publish_confirm_seconds}. With a
 * {@code fetcher.sources} list every one of them carries the label {@code source} ({@link #forSource}); the one source
 * of a classic configuration has no such label, as before sources could be listed.
 */
final class FetcherMetrics {

    private final MeterRegistry registry;
    private final Tags tags;
    private final Counter fetched;
    private final Counter published;
    private final Counter throttled;
    private final Timer confirm;

    FetcherMetrics(MeterRegistry registry) {
        this(registry, Tags.empty());
    }

    private FetcherMetrics(MeterRegistry registry, Tags tags) {
        this.registry = registry;
        this.tags = tags;
        this.fetched = Counter.builder("emailintel.emails.fetched").description("E-mails read from Graph")
                .tags(tags).register(registry);
        this.published = Counter.builder("emailintel.emails.published")
                .description("Envelopes confirmed by the broker").tags(tags).register(registry);
        this.throttled = Counter.builder("emailintel.graph.throttled")
                .description("Graph answers 429, 503 or 504").tags(tags).register(registry);
        this.confirm = Timer.builder("emailintel.publish.confirm").description("Publish to broker confirm")
                .tags(tags).publishPercentileHistogram().register(registry);
    }

    /** The meters of the listed source {@code name}, in the same registry, labelled {@code source=name}. */
    FetcherMetrics forSource(String name) {
        return new FetcherMetrics(registry, Tags.of("source", name));
    }

    void fetched() {
        fetched.increment();
    }

    /** {@code emailintel_attachments_total{outcome="kept"|"skipped", reason}} for one envelope. */
    void attachments(Envelope envelope) {
        if (!envelope.attachments().isEmpty()) {
            Counter.builder("emailintel.attachments").tags(tags).tag("outcome", "kept").tag("reason", "")
                    .description("Attachments carried or skipped, by reason").register(registry)
                    .increment(envelope.attachments().size());
        }
        for (SkippedAttachment s : envelope.skippedAttachments()) {
            Counter.builder("emailintel.attachments").tags(tags).tag("outcome", "skipped")
                    .tag("reason", s.reason().name().toLowerCase(Locale.ROOT).replace('_', '-'))
                    .description("Attachments carried or skipped, by reason").register(registry).increment();
        }
    }

    /** An envelope handed to the broker (its confirm is counted by {@link #published(int)}). */
    void envelopeRead(Envelope envelope) {
        fetched();
        attachments(envelope);
    }

    /** {@code emailintel_emails_filtered_total{rule}}: e-mails a triage rule skipped before any download. */
    void filtered(String rule) {
        Counter.builder("emailintel.emails.filtered").tags(tags).tag("rule", rule)
                .description("E-mails skipped by a triage rule").register(registry).increment();
    }

    void published(int count) {
        published.increment(count);
    }

    void graphResponse(int status) {
        Counter.builder("emailintel.graph.requests").tags(tags).tag("status", Integer.toString(status))
                .description("Graph requests by HTTP status").register(registry).increment();
        if (status == 429 || status == 503 || status == 504) {
            throttled.increment();
        }
    }

    void confirmed(Duration latency) {
        confirm.record(latency);
    }
}
