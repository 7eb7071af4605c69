package io.emailintel.fetcher.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.emailintel.fetcher.fake.FakeGraph;
import io.emailintel.model.EnvelopeAttachment;
import io.emailintel.model.Envelope;
import io.emailintel.model.SkipReason;
import io.emailintel.model.SkippedAttachment;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** An item attachment's $value is MIME, a vCard or iCalendar as the item is a message, a contact or an event. */
class ItemAttachmentsTest {

    private FakeGraph graph;

    @BeforeEach
    void mailWithAttachedItems() throws Exception {
        graph = new FakeGraph(TestMailboxes.MAILBOX);
        graph.add("inbox-id", Instant.parse("2026-11-30T10:00:00Z"), "briefing invitation",
                FakeGraph.contactItem("c1", "Threat Analyst"), FakeGraph.eventItem("e1", "Threat briefing"),
                FakeGraph.messageItem("m1", "Forwarded advisory", "the advisory"));
    }

    @AfterEach
    void close() {
        graph.close();
    }

    private Envelope envelope(List<String> allowed) {
        GraphMailbox mailbox = TestMailboxes.mailbox(graph, "inbox", 10, 0, null, TestMailboxes.policy(allowed));
        Mailbox.Item item = mailbox.listSince(Instant.EPOCH).items().get(0);
        return mailbox.envelope(item, "cycle").orElseThrow();
    }

    @Test
    void contactsEventsAndMessagesAreLabelledByWhatTheyAre() {
        Envelope e = envelope(List.of("text/vcard", "text/calendar", "message/rfc822"));

        assertThat(e.attachments()).extracting(EnvelopeAttachment::name, EnvelopeAttachment::mimeType)
                .containsExactlyInAnyOrder(tuple("Threat Analyst.vcf", "text/vcard"),
                        tuple("Threat briefing.ics", "text/calendar"),
                        tuple("Forwarded advisory.eml", "message/rfc822"));
        assertThat(e.skippedAttachments()).isEmpty();
    }

    @Test
    void theAllowListIsAppliedToTheRealType() {
        Envelope e = envelope(List.of("text/calendar"));

        assertThat(e.attachments()).extracting(EnvelopeAttachment::name).containsExactly("Threat briefing.ics");
        assertThat(e.skippedAttachments()).extracting(SkippedAttachment::name, SkippedAttachment::reason)
                .containsExactlyInAnyOrder(tuple("Threat Analyst", SkipReason.NOT_ALLOWED),
                        tuple("Forwarded advisory", SkipReason.NOT_ALLOWED));
        assertThat(e.skippedAttachments()).extracting(SkippedAttachment::detail)
                .anySatisfy(d -> assertThat(d).contains("text/vcard"))
                .anySatisfy(d -> assertThat(d).contains("message/rfc822"));
    }

    @Test
    void noItemIsDownloadedWhenNoItemTypeIsAllowed() {
        Envelope e = envelope(List.of("application/pdf"));

        assertThat(e.attachments()).isEmpty();
        assertThat(e.skippedAttachments()).hasSize(3).allSatisfy(s -> assertThat(s.reason())
                .isEqualTo(SkipReason.NOT_ALLOWED));
        assertThat(graph.requests()).noneMatch(r -> r.path().endsWith("$value"));
    }

    @Test
    void theItemTypeIsReadFromTheContent() {
        assertThat(MimeTypes.itemType("BEGIN:VCARD\r\nVERSION:3.0\r\nEND:VCARD\r\n".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo("text/vcard");
        assertThat(MimeTypes.itemType("\uFEFF\r\nbegin:vcalendar\r\n".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo("text/calendar");
        assertThat(MimeTypes.itemType(("MIME-Version: 1.0\r\nContent-Type: text/calendar; method=REQUEST\r\n\r\n"
                + "BEGIN:VCALENDAR\r\n").getBytes(StandardCharsets.UTF_8))).isEqualTo("text/calendar");
        assertThat(MimeTypes.itemType(("From: a@b.example\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\n"
                + "Content-Type: text/vcard\r\n\r\nBEGIN:VCARD\r\n").getBytes(StandardCharsets.UTF_8)))
                .isEqualTo("message/rfc822");
        assertThat(MimeTypes.itemType(new byte[0])).isEqualTo("message/rfc822");
    }
}
