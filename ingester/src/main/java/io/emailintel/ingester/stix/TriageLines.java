package io.emailintel.ingester.stix;

import io.emailintel.model.Envelope;

/**
 * The lines triage adds to a report's description: where the marking came from when it is not the configured
 * default, and who forwarded the e-mail when it forwards another. None for a report triage left at its defaults,
 * so a configuration without rules writes exactly the description it always did.
 */
final class TriageLines {

    private TriageLines() {
    }

    static String of(Envelope e, ReportDecision d) {
        StringBuilder out = new StringBuilder();
        if (d.markingOrigin() != null) {
            out.append("**Marking:** ").append(d.tlp().label()).append(" (")
                    .append(ReportBuilder.markdown(d.markingOrigin())).append(')');
        }
        if (!d.originalSender().isEmpty()) {
            if (!out.isEmpty()) {
                out.append("  \n");
            }
            String by = e.author().display();
            out.append("**Original sender:** ").append(ReportBuilder.markdown(d.originalSender().display()))
                    .append("  \n**Forwarded by:** ").append(by.isBlank() ? "(unknown)" : ReportBuilder.markdown(by));
        }
        return out.isEmpty() ? "" : "\n\n" + out;
    }
}
