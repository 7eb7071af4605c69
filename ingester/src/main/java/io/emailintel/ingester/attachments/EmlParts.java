package io.emailintel.ingester.attachments;

import jakarta.mail.BodyPart;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimePart;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * An attached e-mail ({@code message/rfc822}, an {@code .eml}) split into its text, for password lines, and
 * its attachments, each read under the meter. Multipart nesting is bounded: a message of a thousand nested
 * multiparts would otherwise be a stack overflow.
 */
final class EmlParts {

    static final int MAX_MULTIPART_NESTING = 20;

    /**
     * @param text        the first text/plain or text/html body, as text (for password lines)
     * @param attachments the parts that are files or attached messages
     */
    record Parsed(String text, List<Member> attachments) {
    }

    private EmlParts() {
    }

    static Parsed parse(byte[] eml, Budget.Meter meter) throws IOException, MessagingException, Refused {
        MimeMessage message = new MimeMessage(Mime.SESSION, new ByteArrayInputStream(eml));
        List<Member> attachments = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        walk(message, 0, meter, attachments, text);
        return new Parsed(text.toString(), attachments);
    }

    private static void walk(Part part, int nesting, Budget.Meter meter, List<Member> out, StringBuilder text)
            throws IOException, MessagingException, Refused {
        if (part.isMimeType("multipart/*")) {
            if (nesting >= MAX_MULTIPART_NESTING) {
                throw new Refused("multipart nesting deeper than " + MAX_MULTIPART_NESTING);
            }
            Object content = part.getContent();
            if (content instanceof Multipart mp) {
                for (int i = 0; i < mp.getCount(); i++) {
                    BodyPart child = mp.getBodyPart(i);
                    walk(child, nesting + 1, meter, out, text);
                }
            }
            return;
        }
        String fileName = fileName(part);
        boolean attached = Part.ATTACHMENT.equalsIgnoreCase(part.getDisposition()) || fileName != null;
        if (!Part.ATTACHMENT.equalsIgnoreCase(part.getDisposition()) && part instanceof MimePart mp
                && mp.getContentID() != null && part.isMimeType("image/*")) {
            return; // an inline image of the body (cid:), left out as the fetcher leaves them out by default
        }
        if (part.isMimeType("message/rfc822")) {
            String name = fileName == null ? "message.eml" : fileName;
            if (!name.toLowerCase(Locale.ROOT).endsWith(".eml")) {
                name = name + ".eml";
            }
            out.add(MemberPaths.member(name, meter.readMember(part.getInputStream())));
            return;
        }
        if (!attached && text.isEmpty() && (part.isMimeType("text/plain") || part.isMimeType("text/html"))) {
            Object body = part.getContent();
            if (body instanceof String s) {
                text.append(PasswordHints.text(s, part.isMimeType("text/html")));
            }
            return;
        }
        if (attached) {
            out.add(MemberPaths.member(fileName == null ? "attachment" : fileName,
                    meter.readMember(part.getInputStream())));
        }
    }

    private static String fileName(Part part) {
        try {
            return part.getFileName();
        } catch (MessagingException e) {
            return null; // an undecodable name: the part is still carried, under a fallback name
        }
    }
}
