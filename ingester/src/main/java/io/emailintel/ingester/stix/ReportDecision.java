package io.emailintel.ingester.stix;

import io.emailintel.model.EmailAddress;
import java.util.List;
import java.util.Objects;

/**
 * What one e-mail's report gets beyond the e-mail itself: its author, marking, labels and report types, decided
 * by the triage rules (or today's defaults). The builder stays a pure function of the envelope and this.
 *
 * @param authorName        the author organisation's name (its Identity id follows from it)
 * @param authorDescription the organisation's description, or empty
 * @param authorSectors     STIX {@code industry-sector-ov} values, possibly empty
 * @param tlp               the marking of the report and its files
 * @param markingOrigin     where the marking came from (a rule, a marker in the e-mail, the minimum) for the
 *                          description; null when it is the configured default, which adds nothing
 * @param labels            labels of the report, possibly empty
 * @param reportTypes       {@code report_types}, non-empty
 * @param originalSender    the sender of the forwarded e-mail when this one forwards another, else empty
 */
public record ReportDecision(String authorName, String authorDescription, List<String> authorSectors, Tlp tlp,
                             String markingOrigin, List<String> labels, List<String> reportTypes,
                             EmailAddress originalSender) {

    public ReportDecision {
        if (authorName == null || authorName.isBlank()) {
            throw new IllegalArgumentException("author name must not be blank");
        }
        authorDescription = authorDescription == null ? "" : authorDescription;
        authorSectors = authorSectors == null ? List.of() : List.copyOf(authorSectors);
        Objects.requireNonNull(tlp, "tlp");
        labels = labels == null ? List.of() : List.copyOf(labels);
        reportTypes = List.copyOf(reportTypes);
        if (reportTypes.isEmpty()) {
            throw new IllegalArgumentException("report types must not be empty");
        }
        originalSender = originalSender == null ? new EmailAddress("", "") : originalSender;
    }

    /** Today's report: the configured author, marking and report types, nothing else. */
    public static ReportDecision defaults(ReportOptions options) {
        return new ReportDecision(options.authorName(), "", List.of(), options.tlp(), null, List.of(),
                options.reportTypes(), null);
    }
}
