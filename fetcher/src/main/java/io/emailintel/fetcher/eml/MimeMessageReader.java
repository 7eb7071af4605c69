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
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.MimePart;
import jakarta.mail.internet.MimeUtility;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
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
 *
 * <p>It reads what Python's {@code email} package and mail clients read: Jakarta Mail's lenient modes
 * ({@link MimeLeniency}) plus the repairs here and in {@link HeaderSection} and {@link EncodedWords}. The
 * rules that decide body versus attachment follow Python's {@code EmailMessage.get_body()} /
 * {@code iter_attachments()}: only {@code Content-Disposition: attachment} keeps a text part from being the
 * body (a {@code name=} or {@code filename=} alone does not); the first text/plain and the first text/html that
 * are not attachments are the bodies (HTML preferred), and every other leaf is an attachment. Only bytes that
 * are not an e-mail at all are refused ({@link MalformedMailException}).
 */
final class MimeMessageReader {

    static {
        MimeLeniency.apply(); // before this class first touches jakarta.mail.internet (read in static initialisers)
    }

    /** Attachments nested deeper than this are not searched (a hostile message can nest without end). */
    static final int MAX_DEPTH = 20;

    private static final String TEXT_PLAIN = "text/plain";
    private static final String MESSAGE = "message/rfc822";

    private final Session session;

    MimeMessageReader() {
        Properties props = new Properties();
        // Session properties (the rest are System properties, see MimeLeniency)
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
        byte[] prepared = HeaderSection.prepare(raw);
        try {
            MimeMessage message = new MimeMessage(session, new ByteArrayInputStream(prepared));
            if (!message.getAllHeaders().hasMoreElements()) {
                throw new MalformedMailException("not an e-mail: no message headers", null);
            }
            Collector collector = new Collector();
            collector.walk(message, 0, TEXT_PLAIN);
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
                    subject(message),
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
        /** The last part of a multipart whose close delimiter is missing. */
        Part unterminated;

        void walk(Part part, int depth, String defaultType) throws MessagingException, IOException {
            String type = baseType(part, defaultType);
            String disposition = disposition(part);
            // Python's is_attachment(): the disposition alone decides; a name= without it can be the body
            boolean attachment = Part.ATTACHMENT.equals(disposition);
            if (type.startsWith("multipart/") && depth < MAX_DEPTH) {
                Multipart multipart = multipart(part);
                if (multipart != null && multipart.getCount() > 0) {
                    // RFC 2046 §5.1.5: in a digest, a part without Content-Type is message/rfc822
                    String childDefault = type.equals("multipart/digest") ? MESSAGE : TEXT_PLAIN;
                    for (int i = 0; i < multipart.getCount(); i++) {
                        BodyPart child = multipart.getBodyPart(i);
                        boolean last = i == multipart.getCount() - 1;
                        if (last && multipart instanceof MimeMultipart mm && !mm.isComplete()) {
                            // no close delimiter: the last line break would have been the delimiter's, as Python
                            // (CloseBoundaryNotFoundDefect) and RFC 2046 §5.1.1 count it
                            unterminated = child;
                        }
                        walk(child, depth + 1, childDefault);
                    }
                    return;
                }
                // no parts (its start boundary never came) or unreadable: show its text, as a mail client does
                if (text == null) {
                    text = new String(rawBody(part), StandardCharsets.UTF_8);
                }
                return;
            }
            if (type.equals(MESSAGE)) {
                contentIds.add(""); // keeps contentIds aligned with parts
                parts.add(attachedMessage(part));
                return;
            }
            if (!attachment && type.equals("text/html") && html == null) {
                html = decodeText(part, content(part));
                return;
            }
            if (!attachment && type.equals(TEXT_PLAIN) && text == null) {
                text = decodeText(part, content(part));
                return;
            }
            String cid = part instanceof MimePart mp ? stripBrackets(mp.getContentID()) : "";
            boolean inline = Part.INLINE.equals(disposition) && !attachment;
            String name = fileName(part, type, parts.size() + 1);
            contentIds.add(cid);
            parts.add(new ParsedPart(name, type, inline, AttachmentKind.FILE, content(part)));
        }

        boolean isReferenced(ParsedPart p, String body) {
            int index = parts.indexOf(p);
            String cid = index >= 0 && index < contentIds.size() ? contentIds.get(index) : "";
            return !cid.isEmpty() && body.contains("cid:" + cid);
        }

        private byte[] content(Part part) throws MessagingException, IOException {
            byte[] content = bytes(part);
            if (part != unterminated) {
                return content;
            }
            int n = content.length;
            if (n > 0 && content[n - 1] == '\n') {
                n--;
                if (n > 0 && content[n - 1] == '\r') {
                    n--;
                }
            }
            return java.util.Arrays.copyOf(content, n);
        }

        private ParsedPart attachedMessage(Part part) throws MessagingException, IOException {
            byte[] source = content(part);
            String name = fileName(part);
            if (name == null) {
                String subject = "";
                try {
                    subject = subject(new MimeMessage(session,
                            new ByteArrayInputStream(HeaderSection.prepare(source))));
                } catch (MessagingException | MalformedMailException e) {
                    // an unreadable attached e-mail is still carried, under a generic name
                }
                name = (subject.isBlank() ? "attached-message" : subject) + ".eml";
            }
            return new ParsedPart(name, MESSAGE, false, AttachmentKind.ITEM, source);
        }
    }

    /** The subject decoded leniently ({@link EncodedWords}), or empty. */
    private static String subject(MimeMessage message) throws MessagingException {
        String raw = message.getHeader("Subject", null);
        return raw == null ? "" : EncodedWords.decode(raw).strip();
    }

    /** The multipart content, or null when Jakarta Mail cannot split it. */
    private static Multipart multipart(Part part) throws IOException {
        try {
            return part.getContent() instanceof Multipart multipart ? multipart : null;
        } catch (MessagingException e) {
            return null;
        }
    }

    /** The body bytes as they stand in the message (a multipart has no transfer encoding to undo). */
    private static byte[] rawBody(Part part) throws MessagingException, IOException {
        InputStream in = part instanceof MimeMessage m ? m.getRawInputStream()
                : part instanceof jakarta.mail.internet.MimeBodyPart b ? b.getRawInputStream() : part.getInputStream();
        try (in) {
            return in.readAllBytes();
        }
    }

    /**
     * The part's type, lower case, without parameters. As in Python's {@code get_content_type()}: no
     * Content-Type gives the default (text/plain, or message/rfc822 inside a digest), and a value that is not
     * "type/subtype" (e.g. a bare {@code text}) is text/plain (RFC 2045 §5.2).
     */
    static String baseType(Part part, String defaultType) throws MessagingException {
        String[] headers = part.getHeader("Content-Type");
        if (headers == null || headers.length == 0) {
            return defaultType;
        }
        String header = headers[0];
        String type;
        try {
            type = new ContentType(header).getBaseType();
        } catch (jakarta.mail.internet.ParseException e) {
            int semi = header.indexOf(';');
            type = (semi < 0 ? header : header.substring(0, semi)).strip();
        }
        type = type.toLowerCase(Locale.ROOT);
        int slash = type.indexOf('/');
        boolean valid = slash > 0 && slash == type.lastIndexOf('/') && slash < type.length() - 1
                && type.chars().noneMatch(c -> c <= ' ');
        return valid ? type : TEXT_PLAIN;
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
    static String decodeText(Part part, byte[] bytes) throws MessagingException {
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
        try (InputStream in = part.getInputStream()) {
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

    /**
     * The decoded file name (Content-Disposition filename, else Content-Type name), or null. Jakarta Mail
     * decodes RFC 2231 names (continuations, charsets); plain names are read by {@link LooseParameters}, which
     * keeps the first of duplicates and a value whose closing quote is missing, as Python does.
     */
    private static String fileName(Part part) throws MessagingException {
        String angus;
        try {
            angus = part.getFileName();
        } catch (MessagingException e) {
            angus = null; // a disposition too broken even for the lenient parser: read it loosely below
        }
        String disposition = part instanceof MimePart mp ? mp.getHeader("Content-Disposition", null) : null;
        String contentType = part instanceof MimePart mp ? mp.getHeader("Content-Type", null) : null;
        String name;
        if (LooseParameters.hasExtended(disposition, "filename")
                || LooseParameters.first(disposition, "filename") == null
                && LooseParameters.hasExtended(contentType, "name")) {
            name = angus == null ? null : LooseParameters.percentDecoded(angus);
        } else {
            name = LooseParameters.first(disposition, "filename");
            if (name == null) {
                name = LooseParameters.first(contentType, "name");
            }
            if (name == null) {
                name = angus;
            }
        }
        return name == null || name.isBlank() ? null : decodeName(name);
    }

    private static String fileName(Part part, String type, int ordinal) throws MessagingException {
        String name = fileName(part);
        if (name != null) {
            return name;
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
        return EncodedWords.decode(name).strip();
    }

    private static List<EmailAddress> addresses(Message message, String header) throws MessagingException {
        String[] values = message.getHeader(header);
        List<EmailAddress> out = new ArrayList<>();
        if (values == null) {
            return out;
        }
        for (String value : values) {
            EmailAddress loose = LooseAddress.parse(value);
            if (loose != null) {
                out.add(new EmailAddress(EncodedWords.decode(loose.name()).strip(), loose.address()));
                continue;
            }
            try {
                for (Address a : InternetAddress.parseHeader(value, false)) {
                    if (a instanceof InternetAddress ia) {
                        String personal = ia.getPersonal();
                        out.add(new EmailAddress(personal == null ? "" : EncodedWords.decode(personal).strip(),
                                ia.getAddress()));
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
