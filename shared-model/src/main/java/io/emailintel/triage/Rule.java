package io.emailintel.triage;

/**
 * One triage rule: a name (in logs, metrics and report descriptions), a condition and what it decides.
 *
 * @param name    unique among the rules
 * @param match   the condition
 * @param actions what it decides when it matches
 */
public record Rule(String name, RuleMatch match, RuleActions actions) {
}
