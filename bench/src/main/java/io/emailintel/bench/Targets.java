package io.emailintel.bench;

import java.util.ArrayList;
import java.util.List;

/** The findings: every target of issue #7 with what was measured, met or missed, and the ratio. */
final class Targets {

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
