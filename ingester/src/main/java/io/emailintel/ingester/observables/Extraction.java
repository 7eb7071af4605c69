package io.emailintel.ingester.observables;

import java.util.List;

/**
 * What extraction found in one e-mail.
 *
 * @param observables      the distinct values kept, in order of first appearance, at most the cap
 * @param leftOut          distinct values past the cap that were left out
 * @param leftOutAtLeast   true when scanning stopped early (too many distinct values to count): {@code leftOut}
 *                         is then a lower bound
 */
public record Extraction(List<Observable> observables, int leftOut, boolean leftOutAtLeast) {

    public static final Extraction NONE = new Extraction(List.of(), 0, false);

    public Extraction {
        observables = List.copyOf(observables);
    }

    public boolean isEmpty() {
        return observables.isEmpty();
    }

    /** A markdown paragraph for the report's description when something was left out, else empty. */
    public String descriptionNote() {
        if (leftOut == 0 && !leftOutAtLeast) {
            return "";
        }
        String note = "\n\n**Observables:** " + observables.size() + " extracted (the cap per e-mail); ";
        if (leftOutAtLeast) {
            return note + "the text held more than " + Extractor.MAX_DISTINCT
                    + " distinct values, so scanning stopped: at least " + leftOut + " more were left out.";
        }
        return note + leftOut + " more " + (leftOut == 1 ? "was" : "were") + " left out.";
    }
}
