package io.emailintel.bench;

import java.util.ArrayList;
import java.util.List;

/** The findings: every target (issues #7 and #20) with what was measured, met or missed, and the ratio. */
final class Targets {

    /** Section 2: the fetcher's e-mails/s, as a share of the baseline's messages/s at 26 KiB. */
    static final double FETCHER_SHARE_OF_BASELINE = 0.5;
    /**
     * Section 2: Graph requests per e-mail on the bench mix (issue #20): the floor is about 0.11, one per
     * 100-message listing page and one per allowed attachment (10 % of the mix carries a PDF).
     */
    static final double MAX_GRAPH_REQUESTS_PER_EMAIL = 0.115;
    /** Section 3: one ingester's e-mails/s, as a share of the baseline's messages/s at 26 KiB. */
    static final double INGESTER_SHARE_OF_BASELINE = 0.25;
    static final double MAX_GRAPHQL_CALLS_PER_EMAIL = 1.0;
    /** Section 3: one ingester's CPU per e-mail in the steady state ({@link SteadyCpu}), ms (issue #20). */
    static final double MAX_INGESTER_STEADY_CPU_MS = 2.0;
    /** Section 4: p99 latency, publish to push confirmed, at {@link EndToEndBench#RATE} e-mails/s (issue #20). */
    static final double MAX_E2E_P99_MS = 100;
    /** Section 6: extraction per 20 KB bench e-mail, median, ms. */
    static final double MAX_EXTRACTION_MS = 1.0;

    /** One target; {@code ratio} is measured ÷ threshold. */
    record Target(String section, String what, String measured, String threshold, boolean met, double ratio) {
    }

    private final List<Target> targets = new ArrayList<>();

    /** A target where more is better. */
    void atLeast(String section, String what, double measured, double threshold, String format) {
        targets.add(new Target(section, what, String.format(format, measured), "≥ " + String.format(format, threshold),
                measured >= threshold, measured / threshold));
    }

    /** A target where less is better. */
    void atMost(String section, String what, double measured, double threshold, String format) {
        targets.add(new Target(section, what, String.format(format, measured), "≤ " + String.format(format, threshold),
                measured <= threshold, measured / threshold));
    }

    /** A pass/fail target (e.g. finishing without OutOfMemoryError). */
    void holds(String section, String what, String measured, boolean met) {
        targets.add(new Target(section, what, measured, "—", met, Double.NaN));
    }

    List<Target> all() {
        return List.copyOf(targets);
    }

    String markdown() {
        StringBuilder md = new StringBuilder("| section | target | measured | threshold | measured ÷ threshold "
                + "| result |\n|---|---|---|---|---|---|\n");
        for (Target t : targets) {
            md.append("| ").append(t.section()).append(" | ").append(t.what()).append(" | ").append(t.measured())
                    .append(" | ").append(t.threshold()).append(" | ")
                    .append(Double.isNaN(t.ratio()) ? "—" : String.format("%.2f", t.ratio())).append(" | **")
                    .append(t.met() ? "met" : "missed").append("** |\n");
        }
        return md.toString();
    }
}
