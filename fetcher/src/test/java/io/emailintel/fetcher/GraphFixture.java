package io.emailintel.fetcher;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import io.emailintel.fetcher.fake.FakeGraph;
import io.emailintel.fetcher.graph.AttachmentPolicy;
import io.emailintel.fetcher.graph.GraphClients;
import io.emailintel.fetcher.graph.GraphMailbox;
import io.emailintel.fetcher.graph.Sleeper;
import io.emailintel.fetcher.state.CursorStorage;
import io.emailintel.model.Envelope;
import io.emailintel.model.EnvelopeCodec;
import io.emailintel.topology.Topology;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import reactor.core.publisher.Mono;

/** Builds the production parts against a {@link FakeGraph}, and reads what reached the work queue. */
final class GraphFixture {

    static final String MAILBOX = "cti@example.org";

    private GraphFixture() {
    }

    /** A credential that needs no token endpoint (most tests; one test goes through the real one). */
    static TokenCredential staticToken() {
        return request -> Mono.just(new AccessToken(FakeGraph.TOKEN, OffsetDateTime.now().plusHours(1)));
    }

    static GraphMailbox mailbox(FakeGraph graph, String folder, int pageSize, Sleeper sleeper, int maxRetries) {
        var client = GraphClients.client(URI.create(graph.baseUrl()), staticToken(), maxRetries,
                Duration.ofMinutes(2), sleeper, Clock.systemUTC());
        AttachmentPolicy policy = new AttachmentPolicy(List.of("application/pdf", "text/csv", "text/plain",
                "message/rfc822"), 1024 * 1024, 4 * 1024 * 1024, false);
        // delta pages as small as listing pages, so that tests with a few messages still page through a round
        return new GraphMailbox(client, graph.baseUrl(), MAILBOX, folder, pageSize, pageSize, policy,
                Clock.systemUTC());
    }

    static FetchCycle cycle(GraphMailbox mailbox, CursorStorage store, Connection connection, Topology topology,
                            String folder) {
        return new FetchCycle(mailbox, store, connection, topology, Clock.systemUTC(), MAILBOX, folder,
                Duration.ofDays(30), Duration.ofMinutes(10), Duration.ofSeconds(10), () -> false,
                new FetcherMetrics(new io.micrometer.core.instrument.simple.SimpleMeterRegistry()));
    }

    /** Takes every envelope waiting in a queue. */
    static List<Envelope> drain(Connection connection, String queue) throws Exception {
        EnvelopeCodec codec = new EnvelopeCodec();
        List<Envelope> out = new ArrayList<>();
        try (Channel ch = connection.createChannel()) {
            GetResponse r;
            while ((r = ch.basicGet(queue, true)) != null) {
                Envelope e = codec.decode(r.getBody());
                if (!e.envelopeId().equals(r.getProps().getMessageId())) {
                    throw new AssertionError("message id " + r.getProps().getMessageId() + " is not the envelope id");
                }
                out.add(e);
            }
        }
        return out;
    }

}
