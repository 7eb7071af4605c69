package io.emailintel.triage;

import java.util.List;

/** Rules that cannot be used; {@link #problems()} says, rule by rule, what is wrong and what was expected. */
public final class RulesException extends Exception {

    private final List<String> problems;

    public RulesException(List<String> problems) {
        super(String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
