package io.emailintel.fetcher.eml;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Reads one parameter from a raw Content-Disposition or Content-Type value the way Python's {@code email}
 * package does where Jakarta Mail's {@code ParameterList} (even with {@code mail.mime.parameters.strict=false})
 * differs: the <em>first</em> of duplicate parameters wins (Python's {@code get_param}; Jakarta Mail keeps the
 * last), and a quoted value whose closing quote is missing runs to the end of the header (Jakarta Mail drops
 * it). An unquoted value runs to the next ';', spaces included (non-strict Jakarta Mail; Python stops at the
 * first space, which loses most of a name like {@code Threat Report Q4.pdf}).
 */
final class LooseParameters {

    private static final Pattern PERCENT = Pattern.compile("%[0-9A-Fa-f]{2}");

    private LooseParameters() {
    }

    /** The first plain (not RFC 2231 {@code name*}) value of the parameter, or null. */
    static String first(String header, String name) {
        if (header == null) {
            return null;
        }
        header = header.replaceAll("\\r?\\n(?=[ \\t])", "");
        int i = header.indexOf(';');
        while (i >= 0 && i < header.length()) {
            int start = i + 1;
            int eq = header.indexOf('=', start);
            if (eq < 0) {
                return null;
            }
            int semi = header.indexOf(';', start);
            if (semi >= 0 && semi < eq) {
                i = semi; // a piece without '=' (e.g. a stray "; ;"): skip it
                continue;
            }
            String key = header.substring(start, eq).strip().toLowerCase(Locale.ROOT);
            int v = eq + 1;
            while (v < header.length() && (header.charAt(v) == ' ' || header.charAt(v) == '\t')) {
                v++;
            }
            String value;
            int end;
            if (v < header.length() && header.charAt(v) == '"') {
                StringBuilder quoted = new StringBuilder();
                end = v + 1;
                while (end < header.length() && header.charAt(end) != '"') {
                    char c = header.charAt(end);
                    if (c == '\\' && end + 1 < header.length()) {
                        c = header.charAt(++end);
                    }
                    quoted.append(c);
                    end++;
                }
                value = quoted.toString();
                end = header.indexOf(';', Math.min(end, header.length()));
            } else {
                end = header.indexOf(';', v);
                value = (end < 0 ? header.substring(v) : header.substring(v, end)).strip();
            }
            if (key.equals(name)) {
                return value;
            }
            i = end;
        }
        return null;
    }

    /** Whether the header carries the parameter in RFC 2231 form ({@code name*=} or {@code name*0=}). */
    static boolean hasExtended(String header, String name) {
        return header != null && Pattern.compile("(?i)(^|[;\\s])" + Pattern.quote(name) + "\\*").matcher(header).find();
    }

    /**
     * An RFC 2231 value Jakarta Mail left undecoded because its charset is unknown ({@code r%E9sum%E9.pdf}):
     * percent-decoded as UTF-8 with replacement characters, as Python gives it.
     */
    static String percentDecoded(String value) {
        if (!PERCENT.matcher(value).find()) {
            return value;
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '%' && i + 2 < value.length() && Character.digit(value.charAt(i + 1), 16) >= 0
                    && Character.digit(value.charAt(i + 2), 16) >= 0) {
                out.write(Integer.parseInt(value, i + 1, i + 3, 16));
                i += 2;
            } else {
                out.writeBytes(String.valueOf(c).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
        }
        return out.toString(java.nio.charset.StandardCharsets.UTF_8);
    }
}
