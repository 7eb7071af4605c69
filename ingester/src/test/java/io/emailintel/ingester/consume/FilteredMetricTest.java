package io.emailintel.ingester.consume;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import org.junit.jupiter.api.Test;

class FilteredMetricTest {

    @Test
    void filteredEmailsAreCountedPerRuleUnderTheDocumentedName() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        IngestMetrics metrics = new IngestMetrics(registry, Clock.systemUTC());
        metrics.filtered("newsletters");
        metrics.filtered("newsletters");
        metrics.filtered("marketing-lists");
        assertThat(registry.scrape()).contains("emailintel_emails_filtered_total{rule=\"newsletters\"} 2.0")
                .contains("emailintel_emails_filtered_total{rule=\"marketing-lists\"} 1.0");
    }
}
