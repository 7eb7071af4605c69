package io.emailintel.fetcher.graph;

import com.microsoft.graph.models.Attachment;
import com.microsoft.graph.models.BodyType;
import com.microsoft.graph.models.InternetMessageHeader;
import com.microsoft.graph.models.ItemAttachment;
import com.microsoft.graph.models.Message;
import com.microsoft.graph.models.Recipient;
import io.emailintel.fetcher.triage.HeaderSelection;
import io.emailintel.model.EmailAddress;
import io.emailintel.model.EnvelopeBody;
import io.emailintel.model.EnvelopeHeader;
import io.emailintel.triage.ForwardedMail;
import io.emailintel.triage.MailFacts;
import io.emailintel.triage.MailFacts.Field;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What triage rules can know of a message from the listing alone, before any attachment is downloaded. The
 * sender is known unless the message carries an attached item (it may forward another e-mail, whose sender only
 * the ingester can see); headers only when Graph returned {@code internetMessageHeaders}, which it does only when
 * {@code $select} names it (learn.microsoft.com/graph/api/resources/message: "Returned only on applying a $select
 * query option").
 */
final class ListingFacts {

    private ListingFacts() {
    }

    static MailFacts of(Message m) {
        Set<Field> known = EnumSet.of(Field.RECIPIENTS, Field.SUBJECT);
        List<Attachment> attachments = m.getAttachments();
        boolean attachmentsKnown = attachments != null || Boolean.FALSE.equals(m.getHasAttachments());
        boolean item = attachments != null && attachments.stream().anyMatch(a -> a instanceof ItemAttachment
                || a.getOdataType() != null && a.getOdataType().endsWith("itemAttachment"));
        EnvelopeBody body = m.getBody() == null ? EnvelopeBody.empty() : new EnvelopeBody(
                m.getBody().getContentType() == BodyType.Html ? EnvelopeBody.HTML : EnvelopeBody.TEXT,
                m.getBody().getContent());
        EmailAddress original = null;
        if (attachmentsKnown && !item) {
            known.add(Field.SENDER);
            known.add(Field.ORIGINAL_SENDER);
            original = ForwardedMail.inlineOriginalSender(m.getSubject(), body).orElse(null);
        }
        List<String> types = new ArrayList<>();
        if (attachmentsKnown) {
            known.add(Field.ATTACHMENT_TYPES);
            for (Attachment a : attachments == null ? List.<Attachment>of() : attachments) {
                types.add(a.getContentType() == null ? "" : a.getContentType().toLowerCase(Locale.ROOT));
            }
        }
        List<EnvelopeHeader> headers = headers(m);
        if (m.getInternetMessageHeaders() != null) {
            known.add(Field.HEADERS);
        }
        EmailAddress from = address(m.getFrom());
        if (from.isEmpty()) {
            from = address(m.getSender());
        }
        List<EmailAddress> recipients = new ArrayList<>();
        for (List<Recipient> rs : List.of(nonNull(m.getToRecipients()), nonNull(m.getCcRecipients()),
                nonNull(m.getBccRecipients()))) {
            rs.forEach(r -> recipients.add(address(r)));
        }
        return new MailFacts(from, original, recipients, m.getSubject(), headers, types, known);
    }

    /** The headers an envelope carries (see {@link HeaderSelection}); empty when Graph sent none. */
    static List<EnvelopeHeader> headers(Message m) {
        List<EnvelopeHeader> all = new ArrayList<>();
        for (InternetMessageHeader h : nonNull(m.getInternetMessageHeaders())) {
            if (h.getName() != null) {
                all.add(new EnvelopeHeader(h.getName(), h.getValue()));
            }
        }
        return HeaderSelection.select(all);
    }

    private static <T> List<T> nonNull(List<T> list) {
        return list == null ? List.of() : list;
    }

    private static EmailAddress address(Recipient r) {
        if (r == null || r.getEmailAddress() == null) {
            return new EmailAddress("", "");
        }
        return new EmailAddress(r.getEmailAddress().getName(), r.getEmailAddress().getAddress());
    }
}
