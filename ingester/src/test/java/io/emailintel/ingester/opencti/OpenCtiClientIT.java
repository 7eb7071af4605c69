package io.emailintel.ingester.opencti;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The GraphQL client against a local HTTP server answering canned responses. */
class OpenCtiClientIT {

    private HttpServer server;
    private volatile int status = 200;
    private volatile String body = "{\"data\":{}}";
    private final AtomicReference<String> lastAuthorization = new AtomicReference<>();
    private final AtomicReference<String> lastRequest = new AtomicReference<>();
    private final CountDownLatch release = new CountDownLatch(1);
    private volatile boolean hang;
    private OpenCtiClient client;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10);
        server.createContext("/graphql", exchange -> {
            try (exchange) {
                lastAuthorization.set(exchange.getRequestHeaders().getFirst("Authorization"));
                lastRequest.set(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
                if (hang) {
                    release.await(10, TimeUnit.SECONDS);
                }
                byte[] out = body.getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(status, out.length);
                try (OutputStream o = exchange.getResponseBody()) {
                    o.write(out);
                }
            } catch (InterruptedException | IOException e) {
                // the client gave up
            }
        });
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.start();
        client = new OpenCtiClient(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/"), "tok",
                true, Duration.ofMillis(500));
    }

    @AfterEach
    void stop() {
        release.countDown();
        server.stop(0);
    }

    private static OpenCtiException thrown(ThrowingCallable call) {
        AtomicReference<Throwable> t = new AtomicReference<>();
        assertThatThrownBy(() -> {
            try {
                call.call();
            } catch (Throwable e) {
                t.set(e);
                throw e;
            }
        }).isInstanceOf(OpenCtiException.class);
        return (OpenCtiException) t.get();
    }

    @Test
    void theTokenIsSentAsBearerAndTheVersionRead() throws Exception {
        body = "{\"data\":{\"about\":{\"version\":\"6.7.0\"}}}";
        assertThat(client.version()).isEqualTo("6.7.0");
        assertThat(lastAuthorization.get()).isEqualTo("Bearer tok");
        assertThat(lastRequest.get()).contains("about");
    }

    @Test
    void registrationReadsThePushBrokerAndUser() throws Exception {
        body = "{\"data\":{\"registerConnector\":{\"id\":\"c\",\"connector_user_id\":\"u1\",\"config\":{\"connection\":"
                + "{\"host\":\"rabbitmq\",\"port\":5673,\"vhost\":\"v\",\"use_ssl\":true,\"user\":\"a\",\"pass\":\"b\"},"
                + "\"push\":\"q\",\"push_routing\":\"r\",\"push_exchange\":\"x\"}}}}";
        Registration r = client.register("c", "name", List.of("email-intel-microsoft"));
        assertThat(r.connectorUserId()).isEqualTo("u1");
        assertThat(r.pushExchange()).isEqualTo("x");
        assertThat(r.pushRouting()).isEqualTo("r");
        assertThat(r.broker()).isEqualTo(new Registration.PushBroker("rabbitmq", 5673, "v", true, "a", "b"));
        assertThat(lastRequest.get()).contains("EXTERNAL_IMPORT").contains("email-intel-microsoft");
    }

    @Test
    void http200WithErrorsIsAFailure() {
        body = "{\"errors\":[{\"message\":\"bad bundle\",\"extensions\":{\"code\":\"VALIDATION_ERROR\"}}],\"data\":null}";
        OpenCtiException e = thrown(() -> client.bundlePush("c", "w", "{}"));
        assertThat(e.isTransient()).isFalse();
        assertThat(e.reason()).isEqualTo("opencti-rejected");
        assertThat(e.getMessage()).contains("VALIDATION_ERROR").contains("bad bundle");
    }

    @Test
    void anUnsupportedErrorFromStixBundlePushIsAmbiguous() {
        // what sendStixBundle answers for any failure, an outage included (opencti-graphql domain/connector.js)
        body = "{\"errors\":[{\"message\":\"Invalid bundle\",\"extensions\":{\"code\":\"UNSUPPORTED_ERROR\"}}]}";
        OpenCtiException e = thrown(() -> client.bundlePush("c", "w", "{}"));
        assertThat(e.kind()).isEqualTo(OpenCtiException.Kind.AMBIGUOUS);
        assertThat(e.reason()).isEqualTo("opencti-unsupported-error");
        assertThat(e.getMessage()).contains("Invalid bundle").contains("outage");
    }

    @Test
    void credentialErrorCodesAreAuthFailures() {
        body = "{\"errors\":[{\"message\":\"2FA\",\"extensions\":{\"code\":\"OTP_REQUIRED\"}}]}";
        OpenCtiException e = thrown(() -> client.version());
        assertThat(e.isTransient()).isTrue();
        assertThat(e.isAuthFailure()).isTrue();
        body = "{\"errors\":[{\"message\":\"locked\",\"extensions\":{\"code\":\"LOCK_ERROR\"}}]}";
        assertThat(thrown(() -> client.version()).isAuthFailure()).isFalse();
    }

    @Test
    void graphQlErrorsThatMeanNotNowAreTransient() {
        body = "{\"errors\":[{\"message\":\"locked\",\"extensions\":{\"code\":\"LOCK_ERROR\"}}]}";
        assertThat(thrown(() -> client.version()).isTransient()).isTrue();
        body = "{\"errors\":[{\"message\":\"who are you\",\"extensions\":{\"code\":\"AUTH_REQUIRED\"}}]}";
        assertThat(thrown(() -> client.version()).isTransient()).isTrue();
    }

    @Test
    void serverErrorsAndThrottlingAreTransient() {
        for (int s : new int[] {500, 502, 503, 429}) {
            status = s;
            OpenCtiException e = thrown(() -> client.version());
            assertThat(e.isTransient()).isTrue();
            assertThat(e.reason()).isEqualTo("opencti-http-" + s);
        }
    }

    @Test
    void aBadRequestWithoutErrorsIsFinal() {
        status = 400;
        body = "{}";
        assertThat(thrown(() -> client.version()).isTransient()).isFalse();
    }

    @Test
    void aBodyThatIsNotJsonIsTransient() {
        body = "<html>proxy error</html>";
        OpenCtiException e = thrown(() -> client.version());
        assertThat(e.isTransient()).isTrue();
        assertThat(e.reason()).isEqualTo("opencti-bad-response");
    }

    @Test
    void aRefusedConnectionIsTransient() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        OpenCtiClient nowhere = new OpenCtiClient(URI.create("http://127.0.0.1:" + port), "t", true, Duration.ofSeconds(2));
        OpenCtiException e = thrown(nowhere::version);
        assertThat(e.isTransient()).isTrue();
        assertThat(e.reason()).isEqualTo("opencti-unreachable");
        assertThat(e.getMessage()).doesNotContain("Bearer");
    }

    @Test
    void aSilentServerIsATransientTimeout() {
        hang = true;
        OpenCtiException e = thrown(() -> client.version());
        assertThat(e.isTransient()).isTrue();
        assertThat(e.reason()).isEqualTo("opencti-timeout");
    }

    @Test
    void queueDetailsAreReadInBytes() throws Exception {
        body = "{\"data\":{\"connector\":{\"id\":\"c\",\"connector_queue_details\":{\"messages_number\":3,\"messages_size\":1048577}}}}";
        assertThat(client.queueBytes("c")).isEqualTo(1048577L);
    }

    @Test
    void registrationReturnsTheStoredConnectorState() throws Exception {
        body = "{\"data\":{\"registerConnector\":{\"id\":\"c\",\"connector_state\":\"{\\\"last_email_ingestion\\\":"
                + "\\\"2025-05-01T00:00:00+00:00\\\"}\",\"connector_user_id\":\"u1\",\"config\":{\"connection\":{\"host\":\"h\","
                + "\"port\":5672,\"vhost\":\"/\",\"use_ssl\":false,\"user\":\"a\",\"pass\":\"b\"},\"push\":\"q\","
                + "\"push_routing\":\"r\",\"push_exchange\":\"x\"}}}}";
        Registration r = client.register("c", "name", List.of("s"));
        assertThat(r.connectorState()).isEqualTo("{\"last_email_ingestion\":\"2025-05-01T00:00:00+00:00\"}");
        assertThat(r.withBroker(r.broker()).connectorState()).isEqualTo(r.connectorState());
    }

    @Test
    void aStateResetWhileDownRegistersAsNoState() throws Exception {
        body = "{\"data\":{\"registerConnector\":{\"id\":\"c\",\"connector_state\":\"\",\"connector_state_reset\":true,"
                + "\"connector_user_id\":\"u1\",\"config\":{\"connection\":{\"host\":\"h\",\"port\":5672,\"vhost\":\"/\","
                + "\"use_ssl\":false,\"user\":\"a\",\"pass\":\"b\"},\"push\":\"q\",\"push_routing\":\"r\",\"push_exchange\":\"x\"}}}}";
        assertThat(client.register("c", "name", List.of("s")).connectorState()).isNull();
    }

    @Test
    void aPingSendsTheStateAndConnectorInfoAsPyctiDoes() throws Exception {
        body = "{\"data\":{\"pingConnector\":{\"id\":\"c\",\"connector_state\":\"{\\\"a\\\":1}\","
                + "\"connector_state_reset\":false}}}";
        ConnectorApi.PingAnswer answer = client.ping("c", "{\"a\":1}",
                ConnectorInfo.initial(500).withQueueBytes(600_000_000L));
        assertThat(answer).isEqualTo(new ConnectorApi.PingAnswer("{\"a\":1}", false));
        com.fasterxml.jackson.databind.JsonNode sent = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(lastRequest.get());
        assertThat(sent.path("query").asText()).isEqualTo(OpenCtiClient.PING_CONNECTOR);
        assertThat(sent.path("variables").path("state").asText()).isEqualTo("{\"a\":1}");
        com.fasterxml.jackson.databind.JsonNode info = sent.path("variables").path("connectorInfo");
        assertThat(info.path("run_and_terminate").isBoolean()).isTrue();
        assertThat(info.path("run_and_terminate").asBoolean()).isFalse();
        assertThat(info.path("buffering").asBoolean()).isTrue();
        assertThat(info.path("queue_threshold").asDouble()).isEqualTo(500.0);
        assertThat(info.path("queue_messages_size").asDouble()).isEqualTo(600.0);
        assertThat(info.has("next_run_datetime")).isTrue();
        assertThat(info.path("next_run_datetime").isNull()).isTrue();
        assertThat(info.path("last_run_datetime").isNull()).isTrue();
    }
}
