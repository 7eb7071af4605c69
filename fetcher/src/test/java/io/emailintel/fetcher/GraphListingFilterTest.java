package io.emailintel.fetcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.emailintel.fetcher.fake.FakeGraph;
import io.emailintel.fetcher.graph.AttachmentPolicy;
import io.emailintel.fetcher.graph.GraphClients;
import io.emailintel.fetcher.graph.GraphMailbox;
import io.emailintel.fetcher.graph.Mailbox;
import io.emailintel.fetcher.triage.ListingFilter;
import io.emailintel.model.Envelope;
import io.emailintel.triage.RulesParser;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/** A skip rule decided from the Graph listing costs no attachment request and makes no envelope. */
class GraphListingFilterTest {

    private final FakeGraph graph;

    GraphListingFilterTest() throws Exception {
        graph = new FakeGraph(GraphFixture.MAILBOX);
    }

    @AfterEach
    void close() {
        graph.close();
    }

    @Test
    void filteredMessageIsNeverDownloaded() throws Exception {
        byte[] pdf = "%PDF-1.7\n%x\n".getBytes();
        Instant t = Instant.now().minus(Duration.ofHours(2));
        FakeGraph.Message news = graph.add("inbox-id", t, FakeGraph.Content.of("Monthly newsletter")
                .withFrom("Vendor", "news@vendor.example"),
                new FakeGraph.Attachment("n1", "fileAttachment", "promo.pdf", "application/pdf", pdf, false));
        graph.add("inbox-id", t.plusSeconds(60), FakeGraph.Content.of("Advisory").withFrom("Vendor",
                "intel@vendor.example"),
                new FakeGraph.Attachment("v1", "fileAttachment", "advisory.pdf", "application/pdf", pdf, false));
        List<String> counted = new ArrayList<>();
        ListingFilter filter = new ListingFilter(RulesParser.parse(new Yaml().load(
                "[{name: newsletters, match: {subject: newsletter}, skip: true}]")), counted::add);
        var client = GraphClients.client(URI.create(graph.baseUrl()), GraphFixture.staticToken(), 3,
                Duration.ofMinutes(1), d -> { }, Clock.systemUTC());
        GraphMailbox mailbox = new GraphMailbox(client, graph.baseUrl(), GraphFixture.MAILBOX, "Inbox", 10, 10,
                new AttachmentPolicy(List.of("application/pdf"), 1 << 20, 1 << 20, false), Clock.systemUTC(),
                filter);

        List<Optional<Envelope>> envelopes = new ArrayList<>();
        for (Mailbox.Item item : mailbox.listSince(t.minusSeconds(60)).items()) {
            envelopes.add(mailbox.envelope(item, "cycle"));
        }

        assertThat(envelopes).hasSize(2);
        assertThat(envelopes.get(0)).isEmpty();
        assertThat(envelopes.get(1)).hasValueSatisfying(e -> assertThat(e.attachments()).hasSize(1));
        assertThat(counted).containsExactly("newsletters");
        assertThat(graph.requests()).as("no request for the filtered message's attachment")
                .noneMatch(r -> r.path().contains(news.id()) || r.path().endsWith("/n1/$value"))
                .anyMatch(r -> r.path().endsWith("/v1/$value"));
        // the listing asked for the headers the header rules need
        assertThat(graph.requests()).anyMatch(r -> r.query() != null && r.query().contains("internetMessageHeaders"));
    }

    @Test
    void aSourceRuleFiltersTheListingOfThatSourceOnlyAndItsEnvelopesCarryTheName() throws Exception {
        Instant t = Instant.now().minus(Duration.ofHours(2));
        graph.add("inbox-id", t, FakeGraph.Content.of("Digest").withFrom("Vendor", "news@vendor.example"));
        var rules = RulesParser.parse(new Yaml().load("[{name: archive-digests, match: {source: archive, "
                + "subject: digest}, skip: true}]"));
        var client = GraphClients.client(URI.create(graph.baseUrl()), GraphFixture.staticToken(), 3,
                Duration.ofMinutes(1), d -> { }, Clock.systemUTC());
        List<String> counted = new ArrayList<>();
        for (String source : List.of("archive", "soc")) {
            GraphMailbox mailbox = new GraphMailbox(client, graph.baseUrl(), GraphFixture.MAILBOX, "Inbox", 10, 10,
                    new AttachmentPolicy(List.of("application/pdf"), 1 << 20, 1 << 20, false), Clock.systemUTC(),
                    new ListingFilter(rules, counted::add, source));
            Mailbox.Item item = mailbox.listSince(t.minusSeconds(60)).items().get(0);
            Optional<Envelope> envelope = mailbox.envelope(item, "cycle");
            if (source.equals("archive")) {
                assertThat(envelope).as("filtered in the archive source").isEmpty();
            } else {
                assertThat(envelope).hasValueSatisfying(e -> assertThat(e.source().name()).isEqualTo("soc"));
            }
        }
        assertThat(counted).containsExactly("archive-digests");
    }
}
