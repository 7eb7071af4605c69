package io.emailintel.ingester.observables;

import java.util.Locale;

/** What the ingester extracts from an e-mail's text ({@code EMAIL_INTEL_MICROSOFT_EXTRACT}). */
public enum ExtractMode {
    /** Nothing: the report is exactly what it is without extraction. */
    OFF,
    /** Cyber-observables (and vulnerabilities for CVE ids) the report contains. */
    OBSERVABLES,
    /** Observables, plus a STIX indicator per observable with a {@code based-on} relationship to it. */
    INDICATORS;

    public static ExtractMode fromSetting(String value) {
        return valueOf(value.strip().toUpperCase(Locale.ROOT));
    }
}
