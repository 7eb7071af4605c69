package io.emailintel.triage;

import java.util.Locale;
import java.util.regex.Pattern;

/** A shell-style pattern over a whole string, case-insensitive: {@code *} any run of characters, {@code ?} one. */
public record Glob(String text, Pattern pattern) {

    public static Glob of(String text) {
        StringBuilder regex = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        for (char c : text.strip().toLowerCase(Locale.ROOT).toCharArray()) {
            if (c == '*' || c == '?') {
                if (!literal.isEmpty()) {
                    regex.append(Pattern.quote(literal.toString()));
                    literal.setLength(0);
                }
                regex.append(c == '*' ? ".*" : ".");
            } else {
                literal.append(c);
            }
        }
        if (!literal.isEmpty()) {
            regex.append(Pattern.quote(literal.toString()));
        }
        return new Glob(text.strip(), Pattern.compile(regex.toString(), Pattern.DOTALL));
    }

    public boolean matches(String value) {
        return pattern.matcher(value.strip().toLowerCase(Locale.ROOT)).matches();
    }

    /**
     * For sender and recipient patterns: one with an {@code @} matches the whole address; one without matches
     * the domain ({@code example.org}, {@code *.example.org}).
     */
    public boolean matchesAddress(String address) {
        if (address.isBlank()) {
            return false;
        }
        if (text.indexOf('@') >= 0) {
            return matches(address);
        }
        int at = address.lastIndexOf('@');
        return matches(at < 0 ? address : address.substring(at + 1));
    }

    @Override
    public String toString() {
        return text;
    }
}
