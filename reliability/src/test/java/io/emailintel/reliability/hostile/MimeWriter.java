package io.emailintel.reliability.hostile;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Writes an RFC 5322 message byte for byte, so the corpus can put anything anywhere: raw 8-bit header bytes,
 * any charset, hostile file names, any nesting. Not a general MIME library: just what the corpus needs.
 */
final class MimeWriter {

    /** One part of a multipart/mixed message: its headers and its already-encoded content. */
    private record Part(String headers, byte[] content) {
    }

    private static final AtomicInteger BOUNDARIES = new AtomicInteger();

    private final ByteArrayOutputStream headers = new ByteArrayOutputStream();
    private String bodyType = "text/plain; charset=utf-8";
    private byte[] body = new byte[0];
    private String bodyEncoding = "8bit";
    private final List<Part> parts = new ArrayList<>();

    /** A header line as given (CRLF added); the value may hold raw bytes. */
    MimeWriter header(String name, Object... value) {
        write(headers, name + ": ");
        for (Object v : value) {
            write(headers, v);
        }
        write(headers, "\r\n");
        return this;
    }

    MimeWriter body(String contentType, byte[] content) {
        this.bodyType = contentType;
        this.body = content;
        this.bodyEncoding = "8bit";
        return this;
    }

    MimeWriter body(String contentType, String utf8) {
        return body(contentType, utf8.getBytes(StandardCharsets.UTF_8));
    }

    /** A body too long for an 8-bit line limit: base64. */
    MimeWriter base64Body(String contentType, String utf8) {
        body(contentType, wrap(Base64.getEncoder().encode(utf8.getBytes(StandardCharsets.UTF_8))));
        this.bodyEncoding = "base64";
        return this;
    }

    /** An attachment; {@code filenameParam} is the raw Content-Disposition parameter (e.g. an RFC 2231 one). */
    MimeWriter attach(String contentType, String filenameParam, byte[] content) {
        parts.add(new Part("Content-Type: " + contentType + "\r\nContent-Disposition: attachment; " + filenameParam
                + "\r\nContent-Transfer-Encoding: base64\r\n", wrap(Base64.getEncoder().encode(content))));
        return this;
    }

    /** An inline image with a Content-ID, as mail clients embed pictures. */
    MimeWriter inline(String contentType, String contentId, byte[] content) {
        parts.add(new Part("Content-Type: " + contentType + "\r\nContent-Disposition: inline\r\nContent-ID: <"
                + contentId + ">\r\nContent-Transfer-Encoding: base64\r\n", wrap(Base64.getEncoder().encode(content))));
        return this;
    }

    /** An attached e-mail (message/rfc822), its source as it is. */
    MimeWriter attachMessage(byte[] source) {
        parts.add(new Part("Content-Type: message/rfc822\r\nContent-Disposition: attachment\r\n", source));
        return this;
    }

    byte[] bytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(headers.toByteArray());
        write(out, "MIME-Version: 1.0\r\n");
        if (parts.isEmpty()) {
            write(out, "Content-Type: " + bodyType + "\r\nContent-Transfer-Encoding: " + bodyEncoding + "\r\n\r\n");
            out.writeBytes(body);
            write(out, "\r\n");
            return out.toByteArray();
        }
        // unique per message: an attached e-mail must not share its container's boundary
        String boundary = "=_hostile_corpus_" + BOUNDARIES.incrementAndGet();
        write(out, "Content-Type: multipart/mixed; boundary=\"" + boundary + "\"\r\n\r\n");
        write(out, "--" + boundary + "\r\nContent-Type: " + bodyType + "\r\nContent-Transfer-Encoding: "
                + bodyEncoding + "\r\n\r\n");
        out.writeBytes(body);
        for (Part p : parts) {
            write(out, "\r\n--" + boundary + "\r\n" + p.headers() + "\r\n");
            out.writeBytes(p.content());
        }
        write(out, "\r\n--" + boundary + "--\r\n");
        return out.toByteArray();
    }

    /** Base64 in 76-character lines, as RFC 2045 requires. */
    private static byte[] wrap(byte[] base64) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(base64.length + base64.length / 38 + 2);
        for (int i = 0; i < base64.length; i += 76) {
            out.write(base64, i, Math.min(76, base64.length - i));
            out.write('\r');
            out.write('\n');
        }
        return out.toByteArray();
    }

    private static void write(ByteArrayOutputStream out, Object v) {
        out.writeBytes(v instanceof byte[] b ? b : v.toString().getBytes(StandardCharsets.UTF_8));
    }
}
