package io.emailintel.ingester.attachments;

import jakarta.activation.DataHandler;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.util.ByteArrayDataSource;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import org.apache.poi.hsmf.MAPIMessage;
import org.apache.poi.hsmf.datatypes.AttachmentChunks;
import org.apache.poi.hsmf.datatypes.StringChunk;
import org.apache.poi.hsmf.exceptions.ChunkNotFoundException;

/**
 * An Outlook {@code .msg} (MS-OXMSG, read with Apache POI's HSMF) written as the {@code .eml} it represents:
 * the transport headers Outlook kept ({@code PR_TRANSPORT_MESSAGE_HEADERS}) when there are any, else From, To,
 * Subject and Date rebuilt from the MAPI properties; the text and HTML bodies; the attachments, with an embedded
 * message ({@code PR_ATTACH_METHOD} = ATTACH_EMBEDDED_MSG) written in turn as a {@code message/rfc822} part.
 * RTF-only bodies are not converted (the text body Outlook also stores is used).
 */
final class MsgToEml {

    private MsgToEml() {
    }

    /**
     * @param levels how many embedded messages deep to convert; deeper ones are left out and listed in notes
     * @param notes  receives a line per embedded message left out
     */
    static byte[] convert(byte[] msg, int levels, List<String> notes) throws IOException, MessagingException {
        MAPIMessage m = new MAPIMessage(new ByteArrayInputStream(msg));
        return toEml(m, levels, notes);
    }

    private static byte[] toEml(MAPIMessage m, int levels, List<String> notes) throws IOException, MessagingException {
        m.setReturnNullOnMissingChunk(true);
        MimeMessage mime = new Mime.KeptIdMessage();
        String[] headers = get(m::getHeaders);
        if (headers != null && headers.length > 0) {
            copyHeaders(headers, mime);
        } else {
            rebuildHeaders(m, mime);
        }
        List<byte[]> digestInput = new ArrayList<>();
        String text = get(m::getTextBody);
        String html = get(m::getHtmlBody);
        MimeMultipart alternative = null;
        MimeBodyPart textPart = null;
        if (text != null) {
            textPart = new MimeBodyPart();
            textPart.setText(text, "UTF-8");
            digestInput.add(text.getBytes(StandardCharsets.UTF_8));
        }
        List<MimeBodyPart> attachments = new ArrayList<>();
        for (AttachmentChunks a : m.getAttachmentFiles()) {
            String name = name(a);
            byte[] content;
            String type;
            if (a.isEmbeddedMessage()) {
                if (levels <= 1) {
                    notes.add(name + ": an embedded message nested too deep (INGESTER_EXPAND_MAX_DEPTH)");
                    continue;
                }
                content = toEml(a.getEmbeddedMessage(), levels - 1, notes);
                type = MemberTypes.RFC822;
                if (!name.toLowerCase(Locale.ROOT).endsWith(".eml")) {
                    name = name + ".eml";
                }
            } else {
                content = a.getEmbeddedAttachmentObject();
                if (content == null) {
                    notes.add(name + ": an attachment without content (an OLE object or a link)");
                    continue;
                }
                String tag = value(a.getAttachMimeTag());
                type = tag == null || !tag.contains("/") ? MemberTypes.OCTET_STREAM : tag.strip();
            }
            digestInput.add(content);
            MimeBodyPart part = new MimeBodyPart();
            part.setDataHandler(new DataHandler(new ByteArrayDataSource(content, type)));
            part.setFileName(name);
            part.setDisposition(MimeBodyPart.ATTACHMENT);
            if (type.equals(MemberTypes.RFC822)) {
                // a message/rfc822 body must be 7bit, 8bit or binary (RFC 2046 section 5.2.1)
                part.setHeader("Content-Transfer-Encoding", "8bit");
            }
            attachments.add(part);
        }
        String boundary = "=_ei_" + digest(digestInput, html);
        if (html != null) {
            MimeBodyPart htmlPart = new MimeBodyPart();
            htmlPart.setText(html, "UTF-8", "html");
            if (textPart != null) {
                alternative = Mime.multipart("alternative", boundary + "_alt");
                alternative.addBodyPart(textPart);
                alternative.addBodyPart(htmlPart);
                textPart = null;
            } else {
                textPart = htmlPart;
            }
        }
        MimeMultipart mixed = Mime.multipart("mixed", boundary + "_mixed");
        if (alternative != null) {
            MimeBodyPart body = new MimeBodyPart();
            body.setContent(alternative);
            mixed.addBodyPart(body);
        } else if (textPart != null) {
            mixed.addBodyPart(textPart);
        }
        attachments.forEach(p -> {
            try {
                mixed.addBodyPart(p);
            } catch (MessagingException e) {
                throw new IllegalStateException(e);
            }
        });
        mime.setContent(mixed);
        mime.saveChanges();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        mime.writeTo(out);
        return out.toByteArray();
    }

    private static void copyHeaders(String[] lines, MimeMessage mime) throws MessagingException {
        // POI splits the header block on line ends: a line starting with white space continues the one before
        List<String> fields = new ArrayList<>();
        for (String line : lines) {
            if (line.isEmpty()) {
                continue;
            }
            if ((line.startsWith(" ") || line.startsWith("\t")) && !fields.isEmpty()) {
                fields.set(fields.size() - 1, fields.get(fields.size() - 1) + "\r\n" + line);
            } else {
                fields.add(line);
            }
        }
        for (String field : fields) {
            int colon = field.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String name = field.substring(0, colon).strip();
            String lower = name.toLowerCase(Locale.ROOT);
            // the structure is ours now: the original MIME headers describe a body that is no longer there
            if (lower.startsWith("content-") || lower.equals("mime-version")) {
                continue;
            }
            mime.addHeader(name, field.substring(colon + 1).strip());
        }
    }

    private static void rebuildHeaders(MAPIMessage m, MimeMessage mime) throws MessagingException {
        String from = get(m::getDisplayFrom);
        if (from != null && !from.isBlank()) {
            try {
                mime.setFrom(new InternetAddress(from.contains("@") ? from : "", from, "UTF-8"));
            } catch (java.io.UnsupportedEncodingException e) {
                mime.setHeader("From", from);
            }
        }
        String[] to = get(m::getRecipientEmailAddressList);
        if (to != null) {
            for (String address : to) {
                if (address != null && address.contains("@")) {
                    mime.addRecipient(jakarta.mail.Message.RecipientType.TO, new InternetAddress(address, false));
                }
            }
        }
        String subject = get(m::getSubject);
        if (subject != null) {
            mime.setSubject(subject, "UTF-8");
        }
        java.util.Calendar date = get(m::getMessageDate);
        if (date != null) {
            mime.setSentDate(date.getTime());
        }
    }

    private static String name(AttachmentChunks a) {
        for (StringChunk c : new StringChunk[] {a.getAttachLongFileName(), a.getAttachFileName(),
                a.getAttachDisplayName()}) {
            String v = value(c);
            if (v != null && !v.isBlank()) {
                return v.strip();
            }
        }
        return "attachment";
    }

    private static String value(StringChunk c) {
        return c == null ? null : c.getValue();
    }

    private interface Getter<T> {
        T get() throws ChunkNotFoundException;
    }

    private static <T> T get(Getter<T> getter) {
        try {
            return getter.get();
        } catch (ChunkNotFoundException e) {
            return null;
        }
    }

    private static String digest(List<byte[]> parts, String html) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            parts.forEach(sha::update);
            if (html != null) {
                sha.update(html.getBytes(StandardCharsets.UTF_8));
            }
            return HexFormat.of().formatHex(sha.digest()).substring(0, 24);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JRE", e);
        }
    }
}
