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
 * e-mail age at ingestion (received → accepted by OpenCTI) and the OpenCTI circuit state.
 */
public final class IngestMetrics {

    private final MeterRegistry registry;
    private final Clock clock;
    private final Counter ingested;
    private final Timer age;

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
    }

    /** Metrics that go nowhere (tests, no ops port). */
    public static IngestMetrics discarding(Clock clock) {
        return new IngestMetrics(new SimpleMeterRegistry(), clock);
    }

    void ingested(Instant receivedAt) {
        ingested.increment();
        if (receivedAt != null) {
            Duration d = Duration.between(receivedAt, clock.instant());
            age.record(d.isNegative() ? Duration.ZERO : d);
        }
    }

    void deadLettered(String reason) {
        registry.counter("emailintel.emails.dead_lettered", "reason", reason).increment();
    }

    void retried(String reason) {
        registry.counter("emailintel.emails.retried", "reason", reason).increment();
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
