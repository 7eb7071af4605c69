package io.emailintel.fetcher.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.microsoft.kiota.ApiException;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The forms in which Graph says a delta link's sync state is gone, sent over HTTP and read by the real SDK: each
 * must turn into a {@link Mailbox.DeltaExpiredException} (a new round), and other errors must not.
 */
class SyncStateErrorsTest {

    private HttpServer server;
    private volatile int status;
    private volatile String body;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", ex -> {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private GraphMailbox mailbox() {
        String base = "http://127.0.0.1:" + server.getAddress().getPort() + "/v1.0";
        var client = GraphClients.client(URI.create(base), TestMailboxes.staticToken(), 0, Duration.ZERO,
                TestMailboxes.NO_WAIT, Clock.systemUTC());
        return new GraphMailbox(client, base, TestMailboxes.MAILBOX, "inbox", 10, 10,
                TestMailboxes.policy(List.of("text/plain")), Clock.systemUTC());
    }

    private String link() {
        return "http://127.0.0.1:" + server.getAddress().getPort()
                + "/v1.0/users/cti%40example.org/mailFolders/inbox/messages/delta?%24deltatoken=abc";
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            410 SyncStateNotFound          | 410 | {"error":{"code":"SyncStateNotFound","message":"The sync state generation is not found."}}
            410 with any code              | 410 | {"error":{"code":"Gone","message":"gone"}}
            400 syncStateNotFound          | 400 | {"error":{"code":"syncStateNotFound","message":"The sync state generation is not found. The delta token is expired and data must be synchronized again."}}
            400 inner error                | 400 | {"error":{"code":"BadRequest","message":"x","innerError":{"code":"syncStateNotFound","date":"2026-12-01T21:00:00","request-id":"r1"}}}
            400 lower-case innererror      | 400 | {"error":{"code":"invalidRequest","message":"x","innererror":{"code":"badRequest","innererror":{"code":"RESYNCREQUIRED"}}}}
            400 deep inner-error chain     | 400 | {"error":{"code":"invalidRequest","message":"x","innerError":{"code":"badRequest","innerError":{"code":"resyncRequired"}}}}
            400 in details                 | 400 | {"error":{"code":"BadRequest","message":"x","details":[{"code":"SyncStateInvalid","message":"y"}]}}
            404 syncStateInvalid           | 404 | {"error":{"code":"syncStateInvalid","message":"x"}}
            """)
    void everyDocumentedFormOfAnExpiredSyncStateStartsANewRound(String form, int status, String json) {
        this.status = status;
        this.body = json;

        assertThatThrownBy(() -> mailbox().follow(link(), true)).isInstanceOf(Mailbox.DeltaExpiredException.class);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            400 bad request               | 400 | {"error":{"code":"ErrorInvalidUrlQueryFilter","message":"bad filter"}}
            404 item not found            | 404 | {"error":{"code":"ErrorItemNotFound","message":"The specified object was not found in the store."}}
            403 access denied             | 403 | {"error":{"code":"ErrorAccessDenied","message":"Access is denied."}}
            429 throttled                 | 429 | {"error":{"code":"ApplicationThrottled","message":"syncStateNotFound","innerError":{"code":"syncStateNotFound"}}}
            503 unavailable               | 503 | {"error":{"code":"ServiceUnavailable","message":"x","innerError":{"code":"resyncRequired"}}}
            """)
    void otherErrorsAreNotMistakenForAnExpiredSyncState(String form, int status, String json) {
        this.status = status;
        this.body = json;

        assertThatThrownBy(() -> mailbox().follow(link(), true)).isInstanceOf(ApiException.class)
                .isNotInstanceOf(Mailbox.DeltaExpiredException.class);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            inner error                   | 400 | {"error":{"code":"BadRequest","message":"x","innerError":{"code":"syncStateNotFound"}}}
            """)
    void theCodesFoundAreReported(String form, int status, String json) {
        this.status = status;
        this.body = json;

        assertThatThrownBy(() -> mailbox().follow(link(), true)).isInstanceOfSatisfying(
                Mailbox.DeltaExpiredException.class, e -> {
                    assertThat(e.getMessage()).contains("HTTP 400").contains("syncStateNotFound");
                    assertThat(SyncStateErrors.isExpired(e)).isTrue();
                });
    }
}
