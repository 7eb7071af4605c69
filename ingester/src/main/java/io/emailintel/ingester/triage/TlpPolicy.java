package io.emailintel.ingester.triage;

import java.util.Locale;

/** What a TLP marker found in the e-mail may do to the report's marking. */
public enum TlpPolicy {
    /** Markers are ignored: the rule's or the default marking stands. */
    OFF,
    /** A marker can only make the marking stricter than the rule's or the default's (the default policy). */
    RAISE,
    /** The e-mail's own marking decides, stricter or not; without a marker the rule's or the default stands. */
    TRUST;

    public static TlpPolicy fromSetting(String text) {
        return valueOf(text.strip().toUpperCase(Locale.ROOT));
    }
}
