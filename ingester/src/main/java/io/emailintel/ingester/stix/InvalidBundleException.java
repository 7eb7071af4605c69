package io.emailintel.ingester.stix;

import java.util.List;

/** A built bundle that is not valid STIX 2.1: retrying cannot fix it, so the e-mail is dead-lettered. */
public final class InvalidBundleException extends Exception {

    private final List<String> problems;

    public InvalidBundleException(List<String> problems) {
        super("invalid STIX bundle: " + String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
