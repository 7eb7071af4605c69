package io.emailintel.ingester.stix;

import java.util.List;
import java.util.Objects;

/**
 * What every report gets regardless of the e-mail.
 *
 * @param tlp             the marking of the report and its files
 * @param reportTypes     {@code report_types}, non-empty
 * @param authorName      the organization identity that authors the reports
 * @param noTriggerImport set on files so OpenCTI's import connectors leave them alone
 * @param messageIdReference the Message-ID as an external reference (unmarked in OpenCTI, so readable past the
 *                           TLP) instead of in the marked description
 */
public record ReportOptions(Tlp tlp, List<String> reportTypes, String authorName, boolean noTriggerImport,
                            boolean messageIdReference) {

    public ReportOptions {
        Objects.requireNonNull(tlp, "tlp");
        reportTypes = List.copyOf(reportTypes);
        if (reportTypes.isEmpty()) {
            throw new IllegalArgumentException("report types must not be empty");
        }
        if (authorName == null || authorName.isBlank()) {
            throw new IllegalArgumentException("author name must not be blank");
        }
    }

    public static ReportOptions defaults() {
        return new ReportOptions(Tlp.AMBER_STRICT, List.of("threat-report"), "Email Intel Microsoft", false, false);
    }
}
