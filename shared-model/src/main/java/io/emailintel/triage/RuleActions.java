package io.emailintel.triage;

import java.util.List;

/**
 * What a rule decides; each part is null when the rule leaves it to a later rule or the default.
 *
 * @param author      the report's author organisation
 * @param tlp         the marking, one of {@link Rules#TLP_LEVELS}
 * @param labels      labels of the report
 * @param reportTypes {@code report_types} of the report
 * @param skip        true: no report for this e-mail; false: never skipped by a later rule
 */
public record RuleActions(Author author, String tlp, List<String> labels, List<String> reportTypes, Boolean skip) {

    public RuleActions {
        labels = labels == null ? null : List.copyOf(labels);
        reportTypes = reportTypes == null ? null : List.copyOf(reportTypes);
    }

    boolean isEmpty() {
        return author == null && tlp == null && labels == null && reportTypes == null && skip == null;
    }
}
