package io.emailintel.fetcher.eml;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The top-level header section of raw message bytes: decides whether the bytes are an e-mail at all, and
 * repairs the two header shapes Jakarta Mail cannot read but Python's {@code email} package and mail clients
 * do, before Jakarta Mail parses the result.
 *
 * <ul>
 *   <li>An e-mail starts with a header field (after an optional mbox {@code From } line, which Python keeps as
 *       the "unixfrom", and blank lines) and carries at least one RFC 5322, MIME or trace header. Anything else —
 *       an empty file, binary data, a PDF, JSON — is not an e-mail. (Python's parser accepts any bytes; JSON
 *       even parses as one header named {@code {"subject"}, hence the second rule.)</li>
 *   <li>Headers not followed by a blank line: the first line that is neither a header field nor a folded
 *       continuation starts the body, as in Python's feedparser ({@code MissingHeaderBodySeparatorDefect}).
 *       Jakarta Mail would read it, and every line up to the next blank line, as headers, losing the body.</li>
 *   <li>Raw 8-bit header lines that are not UTF-8 (RFC 6532 allows only UTF-8) are decoded with the charset
 *       the message declares, else windows-1252, the way mail clients display them (Thunderbird's fallback
 *       charset); Jakarta Mail would turn each byte into U+FFFD, as Python does.</li>
 * </ul>
 */
final class HeaderSection {

    /** RFC 5322 §3.6 fields, RFC 2045 MIME fields and RFC 5321 trace fields: one of them makes an e-mail. */
    private static final Set<String> MAIL_HEADERS = Set.of("from", "sender", "reply-to", "to", "cc", "bcc",
            "subject", "date", "message-id", "in-reply-to", "references", "mime-version", "content-type",
            "content-transfer-encoding", "received", "return-path", "delivered-to");

    private static final Pattern CHARSET = Pattern.compile("(?i)charset\\s*=\\s*\"?([^\";\\s]+)");
    private static final Pattern CONTENT_TYPE =
            Pattern.compile("(?im)^content-type\\s*:([^\\n]*(?:\\r?\\n[ \\t][^\\n]*)*)");

    private HeaderSection() {
    }

    /**
     * The bytes to parse: the input itself, or a repaired copy.
     *
     * @throws MalformedMailException when the bytes are not an e-mail, with the reason
     */
    static byte[] prepare(byte[] raw) throws MalformedMailException {
        int start = 0;
        while (start < raw.length && (raw[start] == '\r' || raw[start] == '\n')) {
            start++;
        }
        if (start == raw.length) {
            throw new MalformedMailException("not an e-mail: the file is empty", null);
        }
        int firstEnd = lineEnd(raw, start);
        if (startsWith(raw, start, "From ") && fieldNameEnd(raw, start, contentEnd(raw, start, firstEnd)) < 0) {
            start = firstEnd; // the mbox envelope line ("From sender date"), not a header
        }
        boolean mailHeader = false;
        boolean first = true;
        int pos = start;
        int bodyStart = raw.length;
        boolean missingSeparator = false;
        while (pos < raw.length) {
            int next = lineEnd(raw, pos);
            int end = contentEnd(raw, pos, next);
            if (end == pos) {
                bodyStart = pos; // the blank line: headers end here
                break;
            }
            boolean continuation = raw[pos] == ' ' || raw[pos] == '\t';
            int nameEnd = continuation ? -1 : fieldNameEnd(raw, pos, end);
            if (first && nameEnd < 0) {
                throw new MalformedMailException("not an e-mail: it does not start with a header line", null);
            }
            if (!continuation && nameEnd < 0) {
                bodyStart = pos;
                missingSeparator = true;
                break;
            }
            if (nameEnd > 0) {
                String name = new String(raw, pos, nameEnd - pos, StandardCharsets.US_ASCII).strip();
                mailHeader |= MAIL_HEADERS.contains(name.toLowerCase(Locale.ROOT));
            }
            first = false;
            pos = next;
        }
        if (!mailHeader) {
            throw new MalformedMailException("not an e-mail: no e-mail header (From, To, Subject, Date, "
                    + "Message-ID, MIME-Version, Content-Type, Received, ...)", null);
        }
        byte[] headers = java.util.Arrays.copyOfRange(raw, start, bodyStart);
        byte[] decoded = eightBitToUtf8(headers);
        if (start == 0 && !missingSeparator && decoded == headers) {
            return raw;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length + 2);
        out.writeBytes(decoded);
        if (missingSeparator) {
            boolean crlf = bodyStart >= 2 && raw[bodyStart - 2] == '\r';
            out.writeBytes(crlf ? new byte[] {'\r', '\n'} : new byte[] {'\n'});
        }
        out.write(raw, bodyStart, raw.length - bodyStart);
        return out.toByteArray();
    }

    /** The header lines with each non-UTF-8 line decoded from the fallback charset; the input if none. */
    private static byte[] eightBitToUtf8(byte[] headers) {
        if (isUtf8(headers, 0, headers.length)) {
            return headers;
        }
        Charset fallback = fallbackCharset(new String(headers, StandardCharsets.ISO_8859_1));
        if (fallback == null) {
            return headers; // declared UTF-8: the bad bytes become U+FFFD, as the body's do
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(headers.length + 16);
        int pos = 0;
        while (pos < headers.length) {
            int next = lineEnd(headers, pos);
            if (isUtf8(headers, pos, next)) {
                out.write(headers, pos, next - pos);
            } else {
                out.writeBytes(new String(headers, pos, next - pos, fallback).getBytes(StandardCharsets.UTF_8));
            }
            pos = next;
        }
        return out.toByteArray();
    }

    /** The charset of the top-level Content-Type if it is a known non-UTF-8 one, windows-1252 if none. */
    private static Charset fallbackCharset(String headers) {
        Matcher ct = CONTENT_TYPE.matcher(headers);
        if (ct.find()) {
            Matcher cs = CHARSET.matcher(ct.group(1));
            if (cs.find()) {
                try {
                    Charset declared = Charset.forName(cs.group(1));
                    if (declared.equals(StandardCharsets.UTF_8)) {
                        return null;
                    }
                    if (!declared.equals(StandardCharsets.US_ASCII)) {
                        return declared;
                    }
                } catch (IllegalArgumentException e) {
                    // unknown charset name: use the default below
                }
            }
        }
        return Charset.forName("windows-1252");
    }

    private static boolean isUtf8(byte[] b, int from, int to) {
        boolean eightBit = false;
        for (int i = from; i < to && !eightBit; i++) {
            eightBit = b[i] < 0;
        }
        if (!eightBit) {
            return true;
        }
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b, from, to - from));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    /**
     * The index of the ':' ending a field name (RFC 5322 §3.6.8: printable US-ASCII except ':'; obsolete
     * whitespace before the colon allowed, §4.5.3), or −1 when the line is not a header field.
     */
    private static int fieldNameEnd(byte[] b, int from, int to) {
        int i = from;
        while (i < to && b[i] >= 33 && b[i] <= 126 && b[i] != ':') {
            i++;
        }
        if (i == from) {
            return -1;
        }
        while (i < to && (b[i] == ' ' || b[i] == '\t')) {
            i++;
        }
        return i < to && b[i] == ':' ? i : -1;
    }

    private static boolean startsWith(byte[] b, int from, String prefix) {
        if (b.length - from < prefix.length()) {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++) {
            if (b[from + i] != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** The index just past the line's LF (or the end of the bytes). */
    private static int lineEnd(byte[] b, int from) {
        int i = from;
        while (i < b.length && b[i] != '\n') {
            i++;
        }
        return Math.min(i + 1, b.length);
    }

    /** The index of the line's end without its CR LF or LF. */
    private static int contentEnd(byte[] b, int from, int next) {
        int end = next;
        if (end > from && b[end - 1] == '\n') {
            end--;
        }
        if (end > from && b[end - 1] == '\r') {
            end--;
        }
        return end;
    }
}
