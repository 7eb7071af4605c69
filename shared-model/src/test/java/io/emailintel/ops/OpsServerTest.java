package io.emailintel.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

class OpsServerTest {

    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> get(OpsServer ops, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ops.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void readyOnlyWhenEveryCheckIsUp() throws Exception {
        Health health = new Health().require("broker", "connecting").require("opencti", "registering");
        try (OpsServer ops = OpsServer.start(0, OpsServer.newRegistry("test"), health)) {
            assertThat(get(ops, "/health/live").statusCode()).isEqualTo(200);
            HttpResponse<String> notReady = get(ops, "/health/ready");
            assertThat(notReady.statusCode()).isEqualTo(503);
            assertThat(notReady.body()).contains("\"broker\"").contains("connecting");
            health.up("broker", "connected");
            assertThat(get(ops, "/health/ready").statusCode()).isEqualTo(503);
            health.up("opencti", "registered");
            assertThat(get(ops, "/health/ready").statusCode()).isEqualTo(200);
            health.down("broker", "connection lost");
            assertThat(get(ops, "/health/ready").body()).contains("connection lost").contains("\"DOWN\"");
        }
    }

    @Test
    void metricsAreServedInPrometheusFormat() throws Exception {
        PrometheusMeterRegistry registry = OpsServer.newRegistry("fetcher");
        registry.counter("emailintel_emails_fetched").increment(3);
        try (OpsServer ops = OpsServer.start(0, registry, new Health())) {
            HttpResponse<String> metrics = get(ops, "/metrics");
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.headers().firstValue("Content-Type")).hasValueSatisfying(
                    v -> assertThat(v).startsWith("text/plain"));
            assertThat(metrics.body()).contains("emailintel_emails_fetched_total{component=\"fetcher\"} 3.0")
                    .contains("jvm_memory_used_bytes");
        }
    }

    @Test
    void onlyGetIsAllowed() throws Exception {
        try (OpsServer ops = OpsServer.start(0, OpsServer.newRegistry("t"), new Health())) {
            HttpResponse<String> post = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + ops.port() + "/metrics"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(post.statusCode()).isEqualTo(405);
        }
    }
}
