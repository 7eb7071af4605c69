package io.emailintel.fetcher.triage;

import io.emailintel.model.EnvelopeHeader;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Which message headers an envelope carries for the triage rules ({@code List-Id}, {@code X-*}, {@code Precedence}
 * …): all but the bulky transport and signature headers, each value cut at RFC 5322's 998-character line limit,
 * at most {@link #MAX_HEADERS}. A rule on a header left out here can never match.
 */
public final class HeaderSelection {

    /** Enough for every header a rule is likely to name; hostile mail can carry thousands. */
    public static final int MAX_HEADERS = 100;
    static final int MAX_VALUE = 998;

    private static final Set<String> LEFT_OUT = Set.of("received", "dkim-signature", "arc-seal",
            "arc-message-signature", "arc-authentication-results", "authentication-results",
            "x-google-dkim-signature", "x-received", "received-spf", "domainkey-signature", "x-ms-exchange-crosstenant-id");

    private HeaderSelection() {
    }

    public static boolean keeps(String name) {
        String n = name.strip().toLowerCase(Locale.ROOT);
        return !n.isEmpty() && !LEFT_OUT.contains(n) && !n.startsWith("x-ms-exchange-") && !n.startsWith("x-microsoft-antispam");
    }

    /** The headers kept, in message order. */
    public static List<EnvelopeHeader> select(List<EnvelopeHeader> all) {
        List<EnvelopeHeader> out = new ArrayList<>();
        for (EnvelopeHeader h : all) {
            if (out.size() >= MAX_HEADERS) {
                break;
            }
            if (keeps(h.name())) {
                String v = h.value().length() > MAX_VALUE ? h.value().substring(0, MAX_VALUE) : h.value();
                out.add(new EnvelopeHeader(h.name().strip(), v));
            }
        }
        return out;
    }
}
