package io.emailintel.fetcher.graph;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import io.emailintel.fetcher.fake.FakeGraph;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import reactor.core.publisher.Mono;

/** Production Graph parts against a {@link FakeGraph}, for the graph package's tests. */
final class TestMailboxes {

    static final String MAILBOX = "cti@example.org";
    static final Sleeper NO_WAIT = d -> { };

    private TestMailboxes() {
    }

    static TokenCredential staticToken() {
        return request -> Mono.just(new AccessToken(FakeGraph.TOKEN, OffsetDateTime.now().plusHours(1)));
    }

    static AttachmentPolicy policy(List<String> allowed) {
        return new AttachmentPolicy(allowed, 1024 * 1024, 4 * 1024 * 1024, false);
    }

    static GraphMailbox mailbox(FakeGraph graph, String folder, int pageSize, int maxRetries) {
        return mailbox(graph, folder, pageSize, maxRetries, null, policy(List.of("application/pdf", "text/plain")));
    }

    static GraphMailbox mailbox(FakeGraph graph, String folder, int pageSize, int maxRetries, Path slots,
                                AttachmentPolicy policy) {
        var client = GraphClients.client(URI.create(graph.baseUrl()), staticToken(), maxRetries,
                Duration.ofMinutes(2), NO_WAIT, Clock.systemUTC(), status -> { }, slots, MAILBOX);
        return new GraphMailbox(client, graph.baseUrl(), MAILBOX, folder, pageSize, pageSize, policy,
                Clock.systemUTC());
    }
}
