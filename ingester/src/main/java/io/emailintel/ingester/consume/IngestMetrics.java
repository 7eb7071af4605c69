package io.emailintel.ingester.consume;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;

/**
 * What the Grafana dashboard shows of the ingester: e-mails ingested, retried and dead-lettered (by reason),
 * e-mail age at ingestion (received → accepted by OpenCTI), pipeline latency (published by the fetcher →
 * accepted by OpenCTI) and the OpenCTI circuit state.
 */
public final class IngestMetrics {

    private final MeterRegistry registry;
    private final Clock clock;
    private final Counter ingested;
    private final Timer age;
    private final Timer latency;

    public IngestMetrics(MeterRegistry registry, Clock clock) {
        this.registry = registry;
        this.clock = clock;
        this.ingested = Counter.builder("emailintel.emails.ingested")
                .description("E-mails whose report OpenCTI accepted").register(registry);
        this.age = Timer.builder("emailintel.email.age")
                .description("Time from the mailbox receiving an e-mail to OpenCTI accepting its report")
                .publishPercentileHistogram()
                .maximumExpectedValue(Duration.ofDays(2))
                .register(registry);
        this.latency = Timer.builder("emailintel.envelope.latency")
                .description("Time from the fetcher publishing an envelope to OpenCTI accepting its report "
                        + "(push confirmed, or taken by the api), retries included")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofHours(1))
                .register(registry);
    }

    /** Metrics that go nowhere (tests, no ops port). */
    public static IngestMetrics discarding(Clock clock) {
        return new IngestMetrics(new SimpleMeterRegistry(), clock);
    }

    /**
     * Counts an e-mail OpenCTI accepted just now and records its age and, when the envelope says when it was
     * published, its pipeline latency.
     *
     * @param receivedAt  when the mailbox received it, or null
     * @param publishedAt when the fetcher published its envelope ({@code Headers.PUBLISHED_AT}), or null
     * @return the pipeline latency, or null when {@code publishedAt} is null
     */
    Duration ingested(Instant receivedAt, Instant publishedAt) {
        Instant now = clock.instant();
        ingested.increment();
        if (receivedAt != null) {
            age.record(nonNegative(Duration.between(receivedAt, now)));
        }
        if (publishedAt == null) {
            return null;
        }
        // the fetcher's clock may run slightly ahead of ours
        Duration d = nonNegative(Duration.between(publishedAt, now));
        latency.record(d);
        return d;
    }

    private static Duration nonNegative(Duration d) {
        return d.isNegative() ? Duration.ZERO : d;
    }

    /** {@code emailintel_emails_filtered_total{rule}}: e-mails a triage rule skipped (no report). */
    void filtered(String rule) {
        Counter.builder("emailintel.emails.filtered").tag("rule", rule)
                .description("E-mails skipped by a triage rule").register(registry).increment();
    }

    // with a description, so that /metrics carries the HELP line Prometheus' linter asks for
    // (promtool check metrics: "no help text"; deploy/test-stack runs it)
    void deadLettered(String reason) {
        Counter.builder("emailintel.emails.dead_lettered").tag("reason", reason)
                .description("E-mails moved to the dead-letter queue, by reason").register(registry).increment();
    }

    void retried(String reason) {
        Counter.builder("emailintel.emails.retried").tag("reason", reason)
                .description("E-mails sent to a retry tier, by reason").register(registry).increment();
    }

    /** 1 while the OpenCTI circuit is open (consumption paused), else 0. */
    public void circuit(BooleanSupplier open) {
        Gauge.builder("emailintel.circuit.state", () -> open.getAsBoolean() ? 1 : 0)
                .description("1 while OpenCTI is considered down and consumption is paused")
                .register(registry);
    }

    public double ingestedCount() {
        return ingested.count();
    }
}
