package io.emailintel.triage;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The triage rules in file order. For each action (author, TLP, labels, report types, skip) the first matching
 * rule that sets it decides; what no matching rule sets keeps its default. No rules: every e-mail gets today's
 * defaults.
 */
public record Rules(List<Rule> rules) {

    /** The TLP levels a rule may name (TLP 2.0 names and the 1.0 {@code white}). */
    public static final List<String> TLP_LEVELS = List.of("clear", "white", "green", "amber", "amber+strict", "red");

    public Rules {
        rules = List.copyOf(rules);
    }

    public static Rules none() {
        return new Rules(List.of());
    }

    public boolean isEmpty() {
        return rules.isEmpty();
    }

    /** The rules that match, in order (the ingester knows every field, so none is undecided). */
    public List<Rule> matching(MailFacts mail) {
        List<Rule> out = new ArrayList<>();
        for (Rule r : rules) {
            if (r.match().test(mail) == RuleMatch.Result.MATCHED) {
                out.add(r);
            }
        }
        return out;
    }

    /**
     * The rule that skips the e-mail, deciding with what is known: the first rule that says {@code skip} (true or
     * false) and matches decides; if one needs a field that is not known before it can be decided, nothing is
     * decided here (the ingester will decide with the whole envelope).
     */
    public Optional<Rule> skippedBy(MailFacts mail) {
        for (Rule r : rules) {
            if (r.actions().skip() == null) {
                continue;
            }
            switch (r.match().test(mail)) {
                case MATCHED -> {
                    return r.actions().skip() ? Optional.of(r) : Optional.empty();
                }
                case UNKNOWN -> {
                    return Optional.empty();
                }
                case NOT_MATCHED -> { }
            }
        }
        return Optional.empty();
    }

    /** The names, for logs and {@code config show}. */
    public List<String> names() {
        return rules.stream().map(Rule::name).toList();
    }
}
