package io.emailintel.ingester.attachments;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;

/**
 * Passwords that the e-mail itself gives for its archives: a line such as {@code Password: infected},
 * {@code pw: x}, {@code Passwort: x}, {@code Kennwort: x}, {@code mot de passe : x}, {@code contraseña: x},
 * {@code wachtwoord: x}, {@code senha: x} (the labels our tests cover: English, German, French, Spanish, Dutch,
 * Portuguese). The label must start the line (after bullets or quoting) and be followed by {@code :} or
 * {@code =}; the password is the rest of the line, without surrounding quotes. Sharing a sample "zipped with
 * the password infected" is the convention MISP's and OpenCTI's mail importers also rely on.
 */
final class PasswordHints {

    static final int MAX_HINTS = 10;
    static final int MAX_LENGTH = 128;

    private static final Pattern LINE = Pattern.compile(
            "^[\\s>*\\-•·]*(?:the\\s+)?(?:zip\\s+|archive\\s+)?(password|passwd|passcode|pwd|pw|pass|passwort|kennwort"
                    + "|mot\\s+de\\s+passe|contrase(?:ñ|n)a|clave|wachtwoord|senha)\\b\\s*(?:is\\s*)?[:=：]\\s*(.+)$",
            Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE | Pattern.MULTILINE);

    private PasswordHints() {
    }

    /** The candidates, in the order the body gives them; the source names the line, never the password. */
    static List<Password> from(String bodyText) {
        List<Password> out = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        String[] lines = bodyText.split("\\R", -1);
        for (int i = 0; i < lines.length && out.size() < MAX_HINTS; i++) {
            Matcher m = LINE.matcher(lines[i]);
            if (!m.find()) {
                continue;
            }
            String value = unquote(m.group(2).strip());
            if (value.isEmpty() || value.length() > MAX_LENGTH || !seen.add(value)) {
                continue;
            }
            out.add(new Password(value, "the e-mail's \"" + m.group(1).toLowerCase(java.util.Locale.ROOT) + ":\" line (line " + (i + 1)
                    + " of its text)"));
        }
        return out;
    }

    /** The text of a body, with HTML line breaks kept as lines so a {@code <p>Password: x</p>} is one line. */
    static String text(String body, boolean html) {
        if (!html) {
            return body;
        }
        Document doc = Jsoup.parse(body);
        doc.select("br, p, div, li, tr, h1, h2, h3, h4, td").before("\n");
        return doc.wholeText();
    }

    private static String unquote(String s) {
        String v = s;
        if (v.length() >= 2) {
            char a = v.charAt(0);
            char b = v.charAt(v.length() - 1);
            if ((a == '"' && b == '"') || (a == '\'' && b == '\'') || (a == '`' && b == '`')
                    || (a == '“' && b == '”') || (a == '«' && b == '»')) {
                v = v.substring(1, v.length() - 1).strip();
            }
        }
        return v;
    }
}
