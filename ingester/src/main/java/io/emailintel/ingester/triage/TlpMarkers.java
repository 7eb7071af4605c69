package io.emailintel.ingester.triage;

import io.emailintel.ingester.stix.Tlp;
import io.emailintel.model.EnvelopeBody;
import io.emailintel.triage.BodyText;
import io.emailintel.triage.ForwardedMail;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds TLP markers in an e-mail's subject and body: the word {@code TLP}, a separator (colon, hyphen, en dash,
 * underscore or spaces, optionally in brackets) and a level — TLP 2.0's CLEAR, GREEN, AMBER, AMBER+STRICT, RED or
 * TLP 1.0's WHITE (= CLEAR), in any case ({@code TLP:AMBER}, {@code [TLP: RED]}, {@code TLP-GREEN},
 * {@code TLP AMBER+STRICT}, {@code tlp:clear}). FIRST's TLP 2.0 standard (first.org/tlp) writes the labels as
 * {@code TLP:CLEAR} …; the other spellings are what mail in the wild uses.
 *
 * <p>What does not count (decided, and tested in {@code TlpMarkersTest}):
 * <ul>
 *   <li>the word without a level ("TLP adjusting", "our TLP policy"), or a level glued to more letters
 *       ("TLP:REDACTED", "TLP-GREENLAND");</li>
 *   <li>quoted earlier messages: lines quoted with {@code >} (or an HTML {@code <blockquote>}), everything after
 *       a reply's attribution line ("On … wrote:"), after Outlook's "-----Original Message-----" in a reply, and
 *       after the signature delimiter ("-- "). An old message's marker must not decide a new message's marking.
 *       The text of a <em>forwarded</em> e-mail does count: it is the intelligence the report carries.</li>
 * </ul>
 */
public final class TlpMarkers {

    /** Where a marker was found. */
    public enum Place { SUBJECT, BODY }

    /** One marker: its level, where it was, and the text as written. */
    public record Marker(Tlp level, Place place, String text) {

        public String describe() {
            return "marker \"" + text + "\" in the " + (place == Place.SUBJECT ? "subject" : "body");
        }
    }

    private static final Pattern MARKER = Pattern.compile(
            "(?<![\\p{L}\\p{N}])TLP(?:\\s*[:\\-\u2013_]\\s*|\\s+)(CLEAR|WHITE|GREEN|AMBER\\s*[+_\\-]?\\s*STRICT|AMBER|RED)"
                    + "(?![\\p{L}\\p{N}])", Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
    private static final Pattern SIGNATURE = Pattern.compile("^--\\s?$");
    private static final Pattern ATTRIBUTION = Pattern.compile(
            "^\\s*(on\\b.{4,200}\\bwrote:|le\\b.{4,200}\\ba écrit\\s?:|am\\b.{4,200}\\bschrieb\\b.{0,100}:)\\s*$",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern ORIGINAL_MESSAGE = Pattern.compile("^\\s*-{2,}\\s*original message\\s*-{2,}",
            Pattern.CASE_INSENSITIVE);

    private TlpMarkers() {
    }

    /** Every marker, subject first, then the body's own text in order. */
    public static List<Marker> find(String subject, EnvelopeBody body) {
        List<Marker> out = new ArrayList<>();
        scan(subject == null ? "" : subject, Place.SUBJECT, out);
        boolean forward = ForwardedMail.isForwardSubject(subject);
        for (String line : BodyText.of(body).lines().toList()) {
            if (SIGNATURE.matcher(line).matches() || ATTRIBUTION.matcher(line).matches()
                    || !forward && ORIGINAL_MESSAGE.matcher(line).find()) {
                break;
            }
            if (line.stripLeading().startsWith(">")) {
                continue;
            }
            scan(line, Place.BODY, out);
        }
        return out;
    }

    /** The strictest of the markers. */
    public static Optional<Marker> strictest(List<Marker> markers) {
        return markers.stream().max(Comparator.comparingInt(m -> m.level().ordinal()));
    }

    private static void scan(String text, Place place, List<Marker> out) {
        if (!mentionsTlp(text)) {
            return; // most lines: no marker can start without the letters T, L, P (issue 20: this was 10 % of CPU)
        }
        Matcher m = MARKER.matcher(text);
        while (m.find()) {
            out.add(new Marker(level(m.group(1)), place, m.group().strip()));
        }
    }

    /** "TLP" in any case: with UNICODE_CASE, no character but t, l, p and their capitals folds to these letters. */
    private static boolean mentionsTlp(String text) {
        for (int i = 2; i < text.length(); i++) {
            char c = text.charAt(i);
            if ((c == 'p' || c == 'P') && (text.charAt(i - 1) | 0x20) == 'l' && (text.charAt(i - 2) | 0x20) == 't') {
                return true;
            }
        }
        return false;
    }

    private static Tlp level(String word) {
        String w = word.toLowerCase(Locale.ROOT).replaceAll("[\\s+_\\-]", "");
        return switch (w) {
            case "clear", "white" -> Tlp.CLEAR;
            case "green" -> Tlp.GREEN;
            case "amber" -> Tlp.AMBER;
            case "amberstrict" -> Tlp.AMBER_STRICT;
            default -> Tlp.RED;
        };
    }
}
