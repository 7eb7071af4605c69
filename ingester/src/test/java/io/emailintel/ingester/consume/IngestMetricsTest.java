package io.emailintel.ingester.consume;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.impl.LongStringHelper;
import io.emailintel.ops.OpsServer;
import io.emailintel.topology.Headers;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class IngestMetricsTest {

    private static final Instant NOW = Instant.parse("2026-11-28T10:00:00.500Z");

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final IngestMetrics metrics = new IngestMetrics(registry, Clock.fixed(NOW, ZoneOffset.UTC));

    private Timer latency() {
        return registry.get("emailintel.envelope.latency").timer();
    }

    @Test
    void latencyIsTheTimeSinceTheFetcherPublishedTheEnvelope() {
        Duration d = metrics.ingested(NOW.minusSeconds(3600), NOW.minusMillis(120));

        assertThat(d).isEqualTo(Duration.ofMillis(120));
        assertThat(latency().count()).isEqualTo(1);
        assertThat(latency().totalTime(TimeUnit.MILLISECONDS)).isEqualTo(120.0);
        assertThat(metrics.ingestedCount()).isEqualTo(1.0);
    }

    @Test
    void withoutAPublishTimeTheLatencyIsUnknownAndNotRecorded() {
        assertThat(metrics.ingested(NOW.minusSeconds(60), null)).isNull();

        assertThat(latency().count()).isZero();
        assertThat(metrics.ingestedCount()).isEqualTo(1.0);
    }

    @Test
    void aPublisherClockAheadOfOursCountsAsZeroNotNegative() {
        assertThat(metrics.ingested(null, NOW.plusMillis(40))).isEqualTo(Duration.ZERO);
        assertThat(latency().count()).isEqualTo(1);
    }

    @Test
    void publishTimeIsReadFromTheHeaderAsAmqpClientDeliversIt() {
        Map<String, Object> headers = new HashMap<>();
        headers.put(Headers.PUBLISHED_AT, LongStringHelper.asLongString("2026-11-28T09:59:59.123456Z"));

        assertThat(PublishedAt.of(headers)).isEqualTo(Instant.parse("2026-11-28T09:59:59.123456Z"));
    }

    @Test
    void aMissingOrUnreadablePublishTimeIsUnknown() {
        assertThat(PublishedAt.of(null)).isNull();
        assertThat(PublishedAt.of(Map.of())).isNull();
        assertThat(PublishedAt.of(Map.of(Headers.PUBLISHED_AT, "yesterday"))).isNull();
    }

    @Test
    void retriedAndDeadLetteredCountersCarryAHelpTextForPrometheus() {
        PrometheusMeterRegistry prometheus = OpsServer.newRegistry("ingester");
        IngestMetrics m = new IngestMetrics(prometheus, Clock.fixed(NOW, ZoneOffset.UTC));

        m.retried("opencti-unavailable");
        m.deadLettered("poison");

        assertThat(prometheus.scrape())
                .containsPattern("# HELP emailintel_emails_retried_total \\S")
                .containsPattern("# HELP emailintel_emails_dead_lettered_total \\S")
                .contains("emailintel_emails_dead_lettered_total{component=\"ingester\",reason=\"poison\"} 1.0");
    }
}
