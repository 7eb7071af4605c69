package io.emailintel.ingester.triage;

import io.emailintel.ingester.stix.ReportDecision;
import java.util.List;

/**
 * What triage decided for one e-mail: skip it (and by which rule), or the report's metadata; with the rules that
 * matched and the markers found, for logs and {@code rules test}.
 *
 * @param matchedRules the names of the rules that matched, in order
 * @param skippedBy    the rule that skips the e-mail, or null
 * @param markers      the TLP markers found in the e-mail (whatever the policy made of them)
 * @param report       the report's metadata (when not skipped)
 */
public record TriageDecision(List<String> matchedRules, String skippedBy, List<TlpMarkers.Marker> markers,
                             ReportDecision report) {

    public TriageDecision {
        matchedRules = List.copyOf(matchedRules);
        markers = List.copyOf(markers);
    }

    public boolean skipped() {
        return skippedBy != null;
    }
}
