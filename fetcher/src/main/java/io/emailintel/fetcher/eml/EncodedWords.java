package io.emailintel.fetcher.eml;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * RFC 2047 encoded words, decoded as Python's {@code email} package ({@code policy=default}) and mail clients
 * do, where Jakarta Mail's {@code MimeUtility.decodeText} gives up and returns the raw text:
 * <ul>
 *   <li>adjacent encoded words in one charset are joined as bytes before decoding, so a character split across
 *       two words (a sender folding inside a UTF-8 sequence) comes out whole;</li>
 *   <li>whitespace between two encoded words is dropped (RFC 2047 §6.2), text around them kept;</li>
 *   <li>an unknown charset or a bad base64 does not stop decoding: the bytes are read as UTF-8 with replacement
 *       characters (for ASCII text, as Python gives it);</li>
 *   <li>an encoded word inside a word ({@code Re:=?utf-8?q?x?=}) is decoded too, as in non-strict Jakarta Mail.</li>
 * </ul>
 */
final class EncodedWords {

    private static final Pattern WORD = Pattern.compile("=\\?([^?\\s]+)\\?([bBqQ])\\?([^?\\s]*)\\?=");

    private EncodedWords() {
    }

    /** The header value unfolded and decoded; text without encoded words is returned unfolded as is. */
    static String decode(String value) {
        String text = value.replaceAll("\\r?\\n(?=[ \\t])", "");
        Matcher m = WORD.matcher(text);
        StringBuilder out = new StringBuilder(text.length());
        int last = 0;
        String pendingCharset = null;
        ByteArrayOutputStream pending = new ByteArrayOutputStream();
        while (m.find()) {
            String between = text.substring(last, m.start());
            boolean adjacent = pendingCharset != null && between.isBlank();
            String charset = m.group(1);
            int star = charset.indexOf('*'); // RFC 2231 §5 language tag: =?utf-8*en?q?...?=
            if (star >= 0) {
                charset = charset.substring(0, star);
            }
            if (!(adjacent && charset.equalsIgnoreCase(pendingCharset))) {
                flush(out, pending, pendingCharset);
                pendingCharset = charset;
                if (!adjacent) {
                    out.append(between);
                }
            }
            pending.writeBytes(bytes(m.group(2), m.group(3)));
            last = m.end();
        }
        flush(out, pending, pendingCharset);
        out.append(text.substring(last));
        return out.toString();
    }

    private static void flush(StringBuilder out, ByteArrayOutputStream pending, String charset) {
        if (charset != null && pending.size() > 0) {
            out.append(new String(pending.toByteArray(), charset(charset)));
        }
        pending.reset();
    }

    private static Charset charset(String name) {
        try {
            return Charset.forName(jakarta.mail.internet.MimeUtility.javaCharset(name));
        } catch (IllegalArgumentException e) {
            return StandardCharsets.UTF_8;
        }
    }

    private static byte[] bytes(String encoding, String text) {
        if (encoding.equalsIgnoreCase("b")) {
            try {
                return Base64.getMimeDecoder().decode(text);
            } catch (IllegalArgumentException e) {
                return text.getBytes(StandardCharsets.US_ASCII);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '_') {
                out.write(' ');
            } else if (c == '=' && i + 2 < text.length() && isHex(text.charAt(i + 1)) && isHex(text.charAt(i + 2))) {
                out.write(Integer.parseInt(text, i + 1, i + 3, 16));
                i += 2;
            } else {
                out.write(c > 0xFF ? '?' : c);
            }
        }
        return out.toByteArray();
    }

    private static boolean isHex(char c) {
        return Character.digit(c, 16) >= 0;
    }
}
