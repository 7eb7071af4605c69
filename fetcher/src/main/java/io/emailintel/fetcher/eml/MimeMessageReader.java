package io.emailintel.fetcher.eml;

import io.emailintel.model.AttachmentKind;
import io.emailintel.model.EmailAddress;
import io.emailintel.model.EnvelopeBody;
import io.emailintel.model.EnvelopeHeader;
import io.emailintel.model.Recipients;
import jakarta.mail.Address;
import jakarta.mail.BodyPart;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MailDateFormat;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimePart;
import jakarta.mail.internet.MimeUtility;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UnsupportedEncodingException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

/**
 * Parses an RFC 5322 / MIME message (an .eml file) with Jakarta Mail: encoded-word headers, any charset
 * Java knows (unknown ones fall back to UTF-8 with replacement characters rather than failing),
 * multipart/alternative (HTML preferred), multipart/related, nested message/rfc822 (carried whole, as an
 * attached e-mail), and inline versus attachment by Content-Disposition and Content-ID.
 */
final class MimeMessageReader {

    /** Attachments nested deeper than this are not searched (a hostile message can nest without end). */
    static final int MAX_DEPTH = 20;

    private final Session session;

    MimeMessageReader() {
        Properties props = new Properties();
        props.setProperty("mail.mime.decodefilename", "true");
        props.setProperty("mail.mime.decodeparameters", "true");
        props.setProperty("mail.mime.address.strict", "false");
        props.setProperty("mail.mime.allowutf8", "true");
        this.session = Session.getInstance(props);
    }

    /**
     * Parses one message.
     *
     * @throws MalformedMailException when the bytes are not a MIME message at all
     */
    ParsedEmail read(byte[] raw) throws MalformedMailException {
        try {
            MimeMessage message = new MimeMessage(session, new ByteArrayInputStream(raw));
            if (!message.getAllHeaders().hasMoreElements()) {
                throw new MalformedMailException("no message headers", null);
            }
            Collector collector = new Collector();
            collector.walk(message, 0);
            String html = collector.html;
            EnvelopeBody body = html != null ? new EnvelopeBody(EnvelopeBody.HTML, html)
                    : new EnvelopeBody(EnvelopeBody.TEXT, collector.text == null ? "" : collector.text);
            List<ParsedPart> parts = new ArrayList<>();
            for (ParsedPart p : collector.parts) {
                boolean referenced = p.inline() || html != null && collector.isReferenced(p, html);
                parts.add(new ParsedPart(p.name(), p.mimeType(), referenced, p.kind(), p.content()));
            }
            Date sent = message.getSentDate();
            return new ParsedEmail(
                    stripBrackets(message.getMessageID()),
                    message.getSubject() == null ? "" : message.getSubject().strip(),
                    first(addresses(message, "From")),
                    first(addresses(message, "Sender")),
                    new Recipients(addresses(message, "To"), addresses(message, "Cc"), addresses(message, "Bcc")),
                    sent == null ? null : sent.toInstant(),
                    receivedAt(message, sent),
                    body,
                    parts,
                    headers(message),
                    originalSender(parts));
        } catch (MessagingException | IOException e) {
            throw new MalformedMailException("not a readable MIME message: " + e.getMessage(), e);
        }
    }

    /** Every header, unfolded and decoded (RFC 2047), in message order. */
    private static List<EnvelopeHeader> headers(MimeMessage message) throws MessagingException {
        List<EnvelopeHeader> out = new ArrayList<>();
        var all = message.getAllHeaders();
        while (all.hasMoreElements()) {
            jakarta.mail.Header h = all.nextElement();
            String value = h.getValue() == null ? "" : MimeUtility.unfold(h.getValue());
            out.add(new EnvelopeHeader(h.getName(), decodeName(value)));
        }
        return out;
    }

    /**
     * The sender of the forwarded e-mail when the message forwards exactly one as an attachment (message/rfc822):
     * Outlook's "Forward as attachment", Gmail's "Forward as attachment". Several attached e-mails are a bundle,
     * not a forward of one sender's message.
     */
    private EmailAddress originalSender(List<ParsedPart> parts) {
        List<ParsedPart> messages = parts.stream().filter(p -> p.kind() == AttachmentKind.ITEM).toList();
        if (messages.size() != 1) {
            return new EmailAddress("", "");
        }
        try {
            MimeMessage attached = new MimeMessage(session, new ByteArrayInputStream(messages.get(0).content()));
            return first(addresses(attached, "From"));
        } catch (MessagingException e) {
            return new EmailAddress("", ""); // unreadable attached e-mail: rules see the forwarder
        }
    }

    /** Walks the MIME tree, collecting the first text and HTML bodies and every other leaf. */
    private final class Collector {
        String text;
        String html;
        final List<ParsedPart> parts = new ArrayList<>();
        final List<String> contentIds = new ArrayList<>();

        void walk(Part part, int depth) throws MessagingException, IOException {
            String type = baseType(part);
            String disposition = disposition(part);
            boolean attachment = Part.ATTACHMENT.equals(disposition) || part.getFileName() != null
                    && !Part.INLINE.equals(disposition);
            if (type.startsWith("multipart/") && depth < MAX_DEPTH) {
                Object content = part.getContent();
                if (content instanceof Multipart multipart) {
                    for (int i = 0; i < multipart.getCount(); i++) {
                        BodyPart child = multipart.getBodyPart(i);
                        walk(child, depth + 1);
                    }
                    return;
                }
            }
            if (type.equals("message/rfc822")) {
                parts.add(attachedMessage(part));
                return;
            }
            if (!attachment && type.equals("text/html") && html == null) {
                html = decodeText(part);
                return;
            }
            if (!attachment && type.equals("text/plain") && text == null) {
                text = decodeText(part);
                return;
            }
            String cid = part instanceof MimePart mp ? stripBrackets(mp.getContentID()) : "";
            boolean inline = Part.INLINE.equals(disposition) && !attachment;
            String name = fileName(part, type, parts.size() + 1);
            contentIds.add(cid);
            parts.add(new ParsedPart(name, type, inline, AttachmentKind.FILE, bytes(part)));
        }

        boolean isReferenced(ParsedPart p, String body) {
            int index = parts.indexOf(p);
            String cid = index >= 0 && index < contentIds.size() ? contentIds.get(index) : "";
            return !cid.isEmpty() && body.contains("cid:" + cid);
        }

        private ParsedPart attachedMessage(Part part) throws MessagingException, IOException {
            byte[] source = bytes(part);
            String name = part.getFileName();
            if (name == null || name.isBlank()) {
                String subject = "";
                try {
                    subject = new MimeMessage(session, new ByteArrayInputStream(source)).getSubject();
                } catch (MessagingException e) {
                    // an unreadable attached e-mail is still carried, under a generic name
                }
                name = (subject == null || subject.isBlank() ? "attached-message" : subject.strip()) + ".eml";
            } else {
                name = decodeName(name);
            }
            return new ParsedPart(name, "message/rfc822", false, AttachmentKind.ITEM, source);
        }
    }

    private static String baseType(Part part) throws MessagingException {
        String header = part.getContentType();
        if (header == null) {
            return "text/plain";
        }
        try {
            return new ContentType(header).getBaseType().toLowerCase(Locale.ROOT);
        } catch (jakarta.mail.internet.ParseException e) {
            int semi = header.indexOf(';');
            return (semi < 0 ? header : header.substring(0, semi)).strip().toLowerCase(Locale.ROOT);
        }
    }

    private static String disposition(Part part) {
        try {
            String d = part.getDisposition();
            return d == null ? null : d.toLowerCase(Locale.ROOT);
        } catch (MessagingException e) {
            return null;
        }
    }

    /** The text of a part in its declared charset; an unknown or missing charset falls back to UTF-8. */
    static String decodeText(Part part) throws MessagingException, IOException {
        byte[] bytes = bytes(part);
        Charset charset = StandardCharsets.UTF_8;
        String header = part.getContentType();
        if (header != null) {
            try {
                String declared = new ContentType(header).getParameter("charset");
                if (declared != null && !declared.isBlank()) {
                    charset = Charset.forName(MimeUtility.javaCharset(declared.strip()));
                }
            } catch (jakarta.mail.internet.ParseException | IllegalArgumentException e) {
                // unknown or malformed charset: decode as UTF-8 with replacement characters
            }
        }
        return new String(bytes, charset);
    }

    /** The decoded content bytes (transfer encoding undone); the raw source for an attached message. */
    static byte[] bytes(Part part) throws MessagingException, IOException {
        try (InputStream in = part instanceof MimePart mp && baseType(part).equals("message/rfc822")
                ? rawMessage(mp) : part.getInputStream()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            return out.toByteArray();
        } catch (IOException e) {
            // a broken transfer encoding: keep what the raw part holds rather than lose the attachment
            if (part instanceof jakarta.mail.internet.MimeBodyPart mbp) {
                try (InputStream raw = mbp.getRawInputStream()) {
                    return raw.readAllBytes();
                }
            }
            throw e;
        }
    }

    private static InputStream rawMessage(MimePart part) throws MessagingException, IOException {
        Object content = part.getContent();
        if (content instanceof MimeMessage nested) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            nested.writeTo(out);
            return new ByteArrayInputStream(out.toByteArray());
        }
        return part.getInputStream();
    }

    private static String fileName(Part part, String type, int ordinal) throws MessagingException {
        String name = part.getFileName();
        if (name != null && !name.isBlank()) {
            return decodeName(name);
        }
        String ext = switch (type) {
            case "application/pdf" -> ".pdf";
            case "text/csv" -> ".csv";
            case "text/plain" -> ".txt";
            case "text/html" -> ".html";
            case "image/png" -> ".png";
            case "image/jpeg" -> ".jpg";
            case "image/gif" -> ".gif";
            default -> ".bin";
        };
        return "part-" + ordinal + ext;
    }

    private static String decodeName(String name) {
        try {
            return MimeUtility.decodeText(name).strip();
        } catch (UnsupportedEncodingException e) {
            return name.strip();
        }
    }

    private static List<EmailAddress> addresses(Message message, String header) throws MessagingException {
        String[] values = message.getHeader(header);
        List<EmailAddress> out = new ArrayList<>();
        if (values == null) {
            return out;
        }
        for (String value : values) {
            try {
                for (Address a : InternetAddress.parseHeader(value, false)) {
                    if (a instanceof InternetAddress ia) {
                        String personal = ia.getPersonal();
                        out.add(new EmailAddress(personal == null ? "" : personal, ia.getAddress()));
                    }
                }
            } catch (AddressException e) {
                String decoded = decodeName(value);
                out.add(new EmailAddress(decoded, ""));
            }
        }
        return out;
    }

    private static EmailAddress first(List<EmailAddress> list) {
        return list.isEmpty() ? new EmailAddress("", "") : list.get(0);
    }

    /** The date of the newest Received header (the hop into our mailbox), else the Date header. */
    private static Instant receivedAt(MimeMessage message, Date sent) throws MessagingException {
        String[] received = message.getHeader("Received");
        if (received != null && received.length > 0) {
            String top = received[0];
            int semi = top.lastIndexOf(';');
            if (semi >= 0) {
                try {
                    Date d = new MailDateFormat().parse(top.substring(semi + 1).strip());
                    if (d != null) {
                        return d.toInstant();
                    }
                } catch (ParseException e) {
                    // fall through to the Date header
                }
            }
        }
        return sent == null ? null : sent.toInstant();
    }

    static String stripBrackets(String id) {
        if (id == null) {
            return "";
        }
        String s = id.strip();
        if (s.startsWith("<") && s.endsWith(">")) {
            s = s.substring(1, s.length() - 1);
        }
        return s;
    }
}
