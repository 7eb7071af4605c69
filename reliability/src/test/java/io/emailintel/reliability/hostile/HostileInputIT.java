package io.emailintel.reliability.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import io.emailintel.fetcher.fake.FakeGraph;
import io.emailintel.model.AttachmentKind;
import io.emailintel.model.Envelope;
import io.emailintel.model.SkipReason;
import io.emailintel.reliability.hostile.HostileRun.DeadLetter;
import io.emailintel.reliability.hostile.HostileRun.Report;
import io.emailintel.testing.RabbitBrokerExtension;
import io.emailintel.testing.TestBroker;
import io.emailintel.topology.Topology;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Element;
import org.jsoup.select.NodeTraversor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #6, hostile and broken input: every e-mail of {@link HostileCorpus}, as .eml files and as Graph messages,
 * runs through the real fetcher, broker and ingester, and must end as a correct report or a dead letter whose
 * reason says why — never a crash, a stuck queue or a silent skip. docs/HOSTILE-INPUT.md is the table of outcomes.
 */
@ExtendWith(RabbitBrokerExtension.class)
class HostileInputIT {

    enum Source { EML, GRAPH }

    private static final String MAILBOX = "cti@example.org";

    @TempDir
    Path tmp;

    @Test
    void everyEmlCaseEndsAsACorrectReportOrAClearDeadLetter(TestBroker broker) throws Exception {
        Topology topology = broker.declare(broker.prefix("hostile-eml"), List.of(Duration.ofSeconds(1)));
        HostileRun run = new HostileRun(broker, topology, tmp);
        Path mailbox = Files.createDirectories(tmp.resolve("mailbox"));
        List<HostileCase> cases = HostileCorpus.cases();
        for (HostileCase c : cases) {
            Files.write(mailbox.resolve(c.slug() + ".eml"), c.eml().get());
        }
        int fetched = run.fetch(String.join("\n",
                "email_intel_microsoft:",
                "  attachments_mime_types: \"" + HostileRun.MIME_TYPES + "\"",
                "fetcher:",
                "  source: eml-dir",
                "  eml_dir: " + mailbox,
                "  state_dir: " + tmp.resolve("state"),
                ""));
        assertThat(fetched).as("fetcher exit code").isZero();
        publishForeignJson(broker, topology);

        verify(run, cases, Source.EML);
    }

    @Test
    void everyGraphCaseEndsAsACorrectReportOrAClearDeadLetter(TestBroker broker) throws Exception {
        Topology topology = broker.declare(broker.prefix("hostile-graph"), List.of(Duration.ofSeconds(1)));
        HostileRun run = new HostileRun(broker, topology, tmp);
        List<HostileCase> cases = HostileCorpus.cases().stream().filter(HostileCase::inGraph).toList();
        try (FakeGraph graph = new FakeGraph(MAILBOX)) {
            Instant at = Instant.now().minus(Duration.ofHours(2));
            for (HostileCase c : cases) {
                at = at.plusSeconds(60);
                c.graph().addTo(graph, FakeGraph.Content.of(c.slug())
                        .withFrom("Hostile Sender", "sender@hostile.example")
                        .withInternetMessageId(c.messageId()), at);
            }
            int fetched = run.fetch(String.join("\n",
                    "email_intel_microsoft:",
                    "  tenant_id: " + FakeGraph.TENANT,
                    "  client_id: 00000000-0000-0000-0000-000000000001",
                    "  client_secret: " + FakeGraph.CLIENT_SECRET,
                    "  email: " + MAILBOX,
                    "  inbox: Inbox",
                    "  graph_base_url: " + graph.baseUrl(),
                    "  authority_host: " + graph.authorityHost(),
                    "  attachments_mime_types: \"" + HostileRun.MIME_TYPES + "\"",
                    "fetcher:",
                    "  state_dir: " + tmp.resolve("state"),
                    ""));
            assertThat(fetched).as("fetcher exit code").isZero();
        }
        verify(run, cases, Source.GRAPH);
    }

    /** Messages on the work queue that are not ours: JSON of another shape must be dead-lettered at once. */
    private static void publishForeignJson(TestBroker broker, Topology topology) throws Exception {
        try (Channel ch = broker.connect().createChannel()) {
            ch.confirmSelect();
            ch.basicPublish(topology.exchange(), Topology.ROUTING_WORK, true,
                    new AMQP.BasicProperties.Builder().messageId("foreign-json").deliveryMode(2).build(),
                    "{\"hello\":\"world\",\"items\":[1,2,3]}".getBytes(StandardCharsets.UTF_8));
            ch.waitForConfirmsOrDie(5_000);
        }
    }

    private void verify(HostileRun run, List<HostileCase> cases, Source source) throws Exception {
        Map<String, Envelope> envelopes = new HashMap<>();
        run.peekEnvelopes().forEach((id, e) -> envelopes.put(bare(id), e));
        Path out = tmp.resolve("reports");
        assertThat(run.ingest(out)).as("ingester exit code").isZero();

        assertThat(run.stuck()).as("messages left in the work queue and retry tiers").isZero();
        Map<String, Report> reports = new HashMap<>();
        HostileRun.reports(out).forEach((id, r) -> reports.put(bare(id), r));
        List<DeadLetter> deadLetters = run.deadLetters();
        List<String> failures = new ArrayList<>();
        for (HostileCase c : cases) {
            String id = bare(c.messageId());
            try {
                check(c, source, envelopes.get(id), reports.get(id), deadLetters);
            } catch (AssertionError e) {
                failures.add(c.slug() + " (" + c.what() + "): " + e.getMessage());
            }
        }
        assertThat(failures).as(source + " cases whose outcome is wrong").isEmpty();
        int expectedDead = source == Source.EML ? 2 : 0; // the unreadable file, and the foreign JSON
        assertThat(deadLetters).as("dead letters: %s", deadLetters.stream().map(DeadLetter::reason).toList())
                .hasSize(expectedDead);
        assertThat(reports).as("one report per e-mail, none extra").hasSize(cases.size() - (source == Source.EML ? 1 : 0));
    }

    private static void check(HostileCase c, Source source, Envelope envelope, Report r, List<DeadLetter> dead) {
        if (c.slug().equals("not-an-email")) {
            assertThat(r).isNull();
            assertThat(dead).anySatisfy(d -> {
                assertThat(d.messageId()).startsWith("not-an-email.eml:");
                assertThat(d.reason()).isEqualTo("malformed-mail");
            });
            assertThat(dead).anySatisfy(d -> {
                assertThat(d.messageId()).isEqualTo("foreign-json");
                assertThat(d.reason()).isEqualTo("not-an-envelope");
            });
            return;
        }
        assertThat(envelope).as("envelope published").isNotNull();
        assertThat(r).as("report written").isNotNull();
        JsonNode report = r.report();
        String name = report.path("name").asText();
        String description = report.path("description").asText();
        String content = report.path("x_opencti_content").asText();
        JsonNode files = report.path("x_opencti_files");
        assertThat(name.length()).isBetween(1, 1000);
        assertThat(content).doesNotContainIgnoringCase("<script").doesNotContainIgnoringCase("javascript:");
        switch (c.slug()) {
            case "no-subject-no-sender" -> {
                assertThat(name).isEqualTo("<no subject> from an unknown sender");
                assertThat(description).contains("**From:** (unknown)").contains("**Subject:** (none)");
            }
            case "huge-subject" -> {
                String subject = HostileCorpus.hugeSubject(HostileCorpus.HUGE_SUBJECT_CHARS);
                assertThat(envelope.subject()).as("the envelope carries the whole subject").isEqualTo(subject);
                assertThat(name).hasSizeLessThanOrEqualTo(1000).endsWith("…").startsWith("Advisory w0 w1");
                assertThat(description).contains(subject);
            }
            case "invalid-utf8" -> {
                assertThat(envelope.subject()).startsWith("broken ").endsWith(" subject").contains("\uFFFD");
                assertThat(name).isEqualTo(envelope.subject());
                assertThat(Jsoup.parse(content).text()).startsWith("body ").contains("\uFFFD").endsWith(" end");
            }
            case "hostile-html" -> {
                assertThat(content).doesNotContain("evil.example").doesNotContain("onclick")
                        .doesNotContain("onmouseover").doesNotContain("iframe").doesNotContain("expression")
                        .doesNotContain("data:text").doesNotContain("svg").doesNotContain("<form")
                        .doesNotContain("style").doesNotContain("AAAAAAAAAA")
                        .contains("hover me").contains("href=\"https://vendor.example/advisory\"")
                        .contains("src=\"data:image/gif;base64,R0lGODlhAQABAAAAACw=\"");
                assertThat(content.length()).isLessThan(5_000);
            }
            case "inline-image-50mb" -> {
                assertThat(envelope.attachments()).isEmpty();
                assertThat(envelope.skippedAttachments()).singleElement()
                        .satisfies(s -> assertThat(s.reason()).isEqualTo(SkipReason.INLINE_IMAGE));
                assertThat(description).contains("inline image");
                assertThat(content).contains("see the picture").doesNotContain("<img").hasSizeLessThan(1_000);
                assertThat(files).isEmpty();
            }
            case "deep-html" -> {
                assertThat(content).contains("deep text");
                assertThat(depth(Jsoup.parseBodyFragment(content).body())).isLessThanOrEqualTo(101);
            }
            case "hostile-names" -> {
                assertThat(files).hasSize(2);
                for (JsonNode f : files) {
                    String n = f.path("name").asText();
                    assertThat(n).doesNotContain("/").doesNotContain("\\").doesNotContain("\u0000")
                            .doesNotContain("\u202E").doesNotStartWith(".");
                    assertThat(f.path("mime_type").asText()).isEqualTo("application/pdf");
                }
                assertThat(files.get(1).path("name").asText()).isEqualTo("invoice_fdp.exe");
            }
            case "zero-byte" -> {
                assertThat(envelope.attachments()).singleElement().satisfies(a -> assertThat(a.size()).isZero());
                assertThat(files).isEmpty();
                assertThat(description).contains("- empty.txt: empty file (0 bytes), not uploaded");
            }
            case "exe-as-pdf" -> {
                assertThat(files).hasSize(1);
                JsonNode f = files.get(0);
                assertThat(f.path("name").asText()).isEqualTo("invoice.pdf.bin");
                assertThat(f.path("mime_type").asText()).isEqualTo("application/octet-stream");
                assertThat(f.path("no_trigger_import").asBoolean()).isTrue();
                assertThat(Base64.getDecoder().decode(f.path("data").asText())).isEqualTo(HostileCorpus.EXE);
                assertThat(description).contains("**Attachments flagged:**").contains("Windows/DOS executable");
            }
            case "same-name" -> {
                assertThat(files).hasSize(3);
                Set<String> lower = new HashSet<>();
                for (JsonNode f : files) {
                    lower.add(f.path("name").asText().toLowerCase(Locale.ROOT));
                }
                assertThat(lower).containsExactlyInAnyOrder("ioc.csv", "ioc (2).csv", "ioc (3).csv");
                for (int i = 0; i < 3; i++) {
                    assertThat(Base64.getDecoder().decode(files.get(i).path("data").asText()))
                            .isEqualTo(HostileCorpus.csv(i + 1));
                }
            }
            case "recipients-5000" -> {
                assertThat(envelope.recipients().to()).hasSize(HostileCorpus.RECIPIENTS);
                assertThat(name).isEqualTo("many recipients");
            }
            case "nested-email" -> {
                assertThat(envelope.attachments()).singleElement().satisfies(a -> {
                    assertThat(a.kind()).isEqualTo(AttachmentKind.ITEM);
                    assertThat(a.mimeType()).isEqualTo("message/rfc822");
                });
                assertThat(files).hasSize(1);
                assertThat(files.get(0).path("mime_type").asText()).isEqualTo("message/rfc822");
                String eml = new String(Base64.getDecoder().decode(files.get(0).path("data").asText()),
                        StandardCharsets.UTF_8);
                assertThat(eml).contains("Subject: middle").contains("Subject: innermost").contains("the payload");
            }
            case "oversized" -> {
                assertThat(envelope.attachments()).isEmpty();
                assertThat(envelope.skippedAttachments()).singleElement().satisfies(s -> {
                    assertThat(s.name()).isEqualTo("big.pdf");
                    assertThat(s.reason()).isEqualTo(SkipReason.TOO_LARGE);
                    assertThat(s.detail()).contains("broker");
                });
                assertThat(envelope.body().content()).startsWith("begin of a huge body")
                        .endsWith("[… body truncated by the fetcher: the e-mail exceeded the broker's message size limit]");
                assertThat(description).contains("big.pdf").contains("too large");
                assertThat(content).contains("body truncated by the fetcher");
                assertThat(files).isEmpty();
            }
            default -> {
                HostileCorpus.Legacy legacy = HostileCorpus.LEGACY.stream()
                        .filter(l -> c.slug().equals("charset-" + l.charset().toLowerCase())).findFirst()
                        .orElseThrow(() -> new AssertionError("no expectation for case " + c.slug()));
                assertThat(envelope.subject()).isEqualTo(legacy.text());
                assertThat(name).isEqualTo(legacy.text());
                assertThat(Jsoup.parse(content).text()).contains(legacy.text());
            }
        }
    }

    private static int depth(Element root) {
        int[] max = {0};
        NodeTraversor.traverse((node, d) -> {
            if (node instanceof Element) {
                max[0] = Math.max(max[0], d);
            }
        }, root);
        return max[0];
    }

    private static String bare(String messageId) {
        String s = messageId == null ? "" : messageId.strip();
        return s.startsWith("<") && s.endsWith(">") ? s.substring(1, s.length() - 1) : s;
    }
}
