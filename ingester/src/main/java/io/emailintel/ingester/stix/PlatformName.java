package io.emailintel.ingester.stix;

/**
 * The rule OpenCTI applies to a report's name before it stores it, reproduced so that a name the platform would
 * refuse (after we acked the e-mail) never leaves: {@code ReportAddInput.name: String! @constraint(minLength: 2,
 * format: "not-blank")} (opencti-graphql {@code config/schema/opencti.graphql}).
 * <ul>
 *   <li>{@code minLength} is checked by graphql-constraint-directive with validator.js {@code isLength}
 *       (confuser/graphql-constraint-directive {@code validators/string.js}; validatorjs/validator.js
 *       {@code src/lib/isLength.js}): the UTF-16 length, minus one per surrogate pair and one per variation
 *       selector U+FE0E/U+FE0F. A single emoji counts 1, so "🎣" is too short; "❤️" (U+2764 U+FE0F) too.</li>
 *   <li>"not blank" is JavaScript's {@code String.prototype.trim()} leaving something: ECMA-262 WhiteSpace and
 *       LineTerminator, i.e. U+0009–U+000D, U+0020, U+00A0, U+1680, U+2000–U+200A, U+2028, U+2029, U+202F,
 *       U+205F, U+3000, U+FEFF. Java's {@code strip()} differs: it keeps U+00A0, U+2007, U+202F and U+FEFF and
 *       removes U+001C–U+001F, which JavaScript keeps.</li>
 * </ul>
 */
final class PlatformName {

    /** {@code @constraint(minLength: 2)} on {@code ReportAddInput.name}. */
    static final int MIN_LENGTH = 2;

    private PlatformName() {
    }

    /** Whether OpenCTI accepts {@code name} as a report name. */
    static boolean accepted(String name) {
        return name != null && constraintLength(name) >= MIN_LENGTH && !jsTrim(name).isEmpty();
    }

    /** The length graphql-constraint-directive compares with {@code minLength} (validator.js isLength). */
    static int constraintLength(String s) {
        int length = s.length();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\uFE0E' || c == '\uFE0F') {
                length--;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                length--;
                i++;
            }
        }
        return length;
    }

    /** JavaScript's {@code String.prototype.trim()}. */
    static String jsTrim(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && isJsWhitespace(s.charAt(start))) {
            start++;
        }
        while (end > start && isJsWhitespace(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(start, end);
    }

    /** ECMA-262 WhiteSpace (TAB, VT, FF, ZWNBSP, every Zs) and LineTerminator (LF, CR, LS, PS). */
    static boolean isJsWhitespace(char c) {
        return c >= '\t' && c <= '\r' || c == '\uFEFF' || c == '\u2028' || c == '\u2029'
                || Character.getType(c) == Character.SPACE_SEPARATOR;
    }
}
