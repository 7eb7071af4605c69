package io.emailintel.fetcher.graph;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.graph.models.Attachment;
import com.microsoft.graph.models.FileAttachment;
import com.microsoft.graph.models.InternetMessageHeader;
import com.microsoft.graph.models.ItemAttachment;
import com.microsoft.graph.models.Message;
import com.microsoft.graph.models.Recipient;
import io.emailintel.triage.MailFacts;
import io.emailintel.triage.MailFacts.Field;
import io.emailintel.triage.Rules;
import io.emailintel.triage.RulesParser;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/** What the fetcher may decide from a Graph listing alone, before downloading any attachment. */
class ListingFactsTest {

    private static Recipient who(String address) {
        Recipient r = new Recipient();
        com.microsoft.graph.models.EmailAddress a = new com.microsoft.graph.models.EmailAddress();
        a.setAddress(address);
        r.setEmailAddress(a);
        return r;
    }

    private static Message message(String from, String subject, List<Attachment> attachments) {
        Message m = new Message();
        m.setId("AAMk1");
        m.setFrom(who(from));
        m.setToRecipients(List.of(who("cti@corp.example")));
        m.setSubject(subject);
        m.setAttachments(attachments);
        m.setHasAttachments(!attachments.isEmpty());
        return m;
    }

    private static Rules rules(String yaml) throws Exception {
        return RulesParser.parse(new Yaml().load(yaml));
    }

    @Test
    void plainMessageIsDecidedFromTheListing() throws Exception {
        MailFacts facts = ListingFacts.of(message("news@vendor.example", "Monthly newsletter", List.of()));
        assertThat(facts.known()).contains(Field.SENDER, Field.RECIPIENTS, Field.SUBJECT, Field.ATTACHMENT_TYPES);
        assertThat(rules("[{name: news, match: {from: vendor.example, subject: newsletter}, skip: true}]")
                .skippedBy(facts)).isPresent();
    }

    @Test
    void anAttachedItemLeavesTheSenderToTheIngester() throws Exception {
        ItemAttachment item = new ItemAttachment();
        item.setContentType("message/rfc822");
        FileAttachment pdf = new FileAttachment();
        pdf.setContentType("application/pdf");
        MailFacts facts = ListingFacts.of(message("analyst@corp.example", "FW: notice", List.of(item, pdf)));
        assertThat(facts.known()).doesNotContain(Field.SENDER, Field.ORIGINAL_SENDER);
        assertThat(facts.attachmentTypes()).containsExactly("message/rfc822", "application/pdf");
        // the forwarded e-mail may be from the partner: only the ingester, seeing the envelope, may skip it
        assertThat(rules("[{name: internal, match: {from: corp.example}, skip: true}]").skippedBy(facts)).isEmpty();
    }

    @Test
    void headersAreKnownOnlyWhenGraphReturnedThem() throws Exception {
        Message m = message("promo@shop.example", "Sale", List.of());
        Rules lists = rules("[{name: lists, match: {header: {List-Unsubscribe: .}}, skip: true}]");
        assertThat(ListingFacts.of(m).known()).doesNotContain(Field.HEADERS);
        assertThat(lists.skippedBy(ListingFacts.of(m))).isEmpty();
        InternetMessageHeader h = new InternetMessageHeader();
        h.setName("List-Unsubscribe");
        h.setValue("<https://shop.example/u>");
        InternetMessageHeader received = new InternetMessageHeader();
        received.setName("Received");
        received.setValue("from a by b");
        m.setInternetMessageHeaders(List.of(received, h));
        assertThat(lists.skippedBy(ListingFacts.of(m))).isPresent();
        assertThat(ListingFacts.headers(m)).extracting(x -> x.name()).containsExactly("List-Unsubscribe");
    }

    @Test
    void clearlyMarkedInlineForwardIsJudgedByItsOriginalSender() throws Exception {
        Message m = message("analyst@corp.example", "Fwd: note", List.of());
        com.microsoft.graph.models.ItemBody body = new com.microsoft.graph.models.ItemBody();
        body.setContentType(com.microsoft.graph.models.BodyType.Text);
        body.setContent("fyi\n---------- Forwarded message ---------\nFrom: Research <r@labs.vendor.example>\n");
        m.setBody(body);
        MailFacts facts = ListingFacts.of(m);
        assertThat(facts.effectiveSender().address()).isEqualTo("r@labs.vendor.example");
        assertThat(rules("[{name: v, match: {from: '*.vendor.example'}, skip: true}]").skippedBy(facts)).isPresent();
    }
}
