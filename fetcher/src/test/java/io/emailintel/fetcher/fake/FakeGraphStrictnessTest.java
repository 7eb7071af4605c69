package io.emailintel.fetcher.fake;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The fake refuses and omits what Graph refuses and omits. */
class FakeGraphStrictnessTest {

    private FakeGraph graph;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        graph = new FakeGraph("cti@example.org");
        graph.add("inbox-id", Instant.parse("2026-11-30T10:00:00Z"), "advisory");
    }

    @AfterEach
    void stop() {
        graph.close();
    }

    private HttpResponse<String> get(String pathAndQuery) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(graph.baseUrl() + pathAndQuery))
                .header("Authorization", "Bearer " + FakeGraph.TOKEN).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aPropertyNotSelectedIsAbsent() throws Exception {
        HttpResponse<String> r = get("/users/cti@example.org/mailFolders/inbox/messages?%24select=subject");

        JsonNode message = new ObjectMapper().readTree(r.body()).get("value").get(0);
        assertThat(message.has("subject")).isTrue();
        assertThat(message.has("id")).isTrue();
        assertThat(message.has("body")).isFalse();
        assertThat(message.has("receivedDateTime")).isFalse();
    }

    @Test
    void filterAndOrderbyOnDifferentPropertiesAreInefficient() throws Exception {
        HttpResponse<String> r = get("/users/cti@example.org/mailFolders/inbox/messages?%24filter="
                + "subject%20eq%20%27advisory%27&%24orderby=receivedDateTime%20asc");

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("InefficientFilter");
        assertThat(get("/users/cti@example.org/mailFolders/inbox/messages?%24filter=receivedDateTime%20ge%20"
                + "2026-11-01T00:00:00Z&%24orderby=receivedDateTime%20asc").statusCode()).isEqualTo(200);
    }

    @Test
    void theSortedPropertiesMustLeadTheFilterInOrder() {
        assertThat(FakeGraph.sortedPropertiesLeadTheFilter("receivedDateTime asc",
                "receivedDateTime ge 2026-11-01T00:00:00Z")).isTrue();
        assertThat(FakeGraph.sortedPropertiesLeadTheFilter("receivedDateTime desc",
                "receivedDateTime ge 2026-11-01T00:00:00Z and from/emailAddress/address eq 'a@b'")).isTrue();
        assertThat(FakeGraph.sortedPropertiesLeadTheFilter("receivedDateTime asc",
                "from/emailAddress/address eq 'a@b' and receivedDateTime ge 2026-11-01T00:00:00Z")).isFalse();
        assertThat(FakeGraph.sortedPropertiesLeadTheFilter("receivedDateTime asc,subject asc",
                "receivedDateTime ge 2026-11-01T00:00:00Z")).isFalse();
    }

    @Test
    void hiddenFoldersAreListedOnlyWhenAskedFor() throws Exception {
        graph.addFolder("hidden-id", "Hidden", null, true);

        assertThat(get("/users/cti@example.org/mailFolders").body()).doesNotContain("hidden-id");
        assertThat(get("/users/cti@example.org/mailFolders?includeHiddenFolders=true").body()).contains("hidden-id");
    }

    @Test
    void theFifthOpenRequestIsRefusedWithMailboxConcurrency() throws Exception {
        graph.slowBodies(java.time.Duration.ofMillis(600));
        var pending = new java.util.ArrayList<java.util.concurrent.CompletableFuture<HttpResponse<String>>>();
        for (int i = 0; i < 6; i++) {
            pending.add(http.sendAsync(HttpRequest.newBuilder(URI.create(graph.baseUrl()
                    + "/users/cti@example.org/mailFolders/inbox/messages")).header("Authorization", "Bearer "
                    + FakeGraph.TOKEN).build(), HttpResponse.BodyHandlers.ofString()));
        }
        long refused = pending.stream().map(java.util.concurrent.CompletableFuture::join)
                .filter(r -> r.statusCode() == 429 && r.body().contains("MailboxConcurrency")).count();

        assertThat(refused).isEqualTo(2);
        assertThat(graph.concurrencyRejections()).isEqualTo(2);
    }

    @Test
    void aListingPageOfMoreThan1000MessagesIsRefused() throws Exception {
        String listing = "/users/cti@example.org/mailFolders/inbox/messages?%24top=";

        assertThat(get(listing + "1001").statusCode()).isEqualTo(400);
        assertThat(get(listing + "0").statusCode()).isEqualTo(400);
        assertThat(get(listing + "1000").statusCode()).isEqualTo(200);
    }

    @Test
    void aListingWithoutTopHasPagesOfTen() throws Exception {
        for (int i = 1; i <= 11; i++) {
            graph.add("inbox-id", Instant.parse("2026-11-30T10:00:00Z").plusSeconds(i), "advisory " + i);
        }

        JsonNode page = new ObjectMapper().readTree(get("/users/cti@example.org/mailFolders/inbox/messages").body());

        assertThat(page.get("value")).hasSize(10);
        assertThat(page.has("@odata.nextLink")).isTrue();
    }
}
