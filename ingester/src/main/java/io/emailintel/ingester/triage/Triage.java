package io.emailintel.ingester.triage;

import io.emailintel.ingester.stix.ReportDecision;
import io.emailintel.ingester.stix.ReportOptions;
import io.emailintel.ingester.stix.Tlp;
import io.emailintel.model.Envelope;
import io.emailintel.triage.Author;
import io.emailintel.triage.MailFacts;
import io.emailintel.triage.Rule;
import io.emailintel.triage.Rules;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Decides, for one envelope, what its report gets: the first matching rule per action (author, TLP, labels,
 * report types, skip), in file order, else the configured default; then the TLP markers of the e-mail by the
 * policy; then the minimum. A pure function of the envelope, so a replay after a rule change re-decides.
 */
public final class Triage {

    private final Rules rules;
    private final ReportOptions defaults;
    private final TlpPolicy policy;
    private final Tlp minimum;

    /**
     * @param minimum the least strict marking any report may get, or null for none
     */
    public Triage(Rules rules, ReportOptions defaults, TlpPolicy policy, Tlp minimum) {
        this.rules = Objects.requireNonNull(rules, "rules");
        this.defaults = Objects.requireNonNull(defaults, "defaults");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.minimum = minimum;
    }

    /** No rules, markers ignored, no minimum: exactly the reports of a fixed configuration. */
    public static Triage fixed(ReportOptions defaults) {
        return new Triage(Rules.none(), defaults, TlpPolicy.OFF, null);
    }

    public Rules rules() {
        return rules;
    }

    public TriageDecision decide(Envelope envelope) {
        MailFacts mail = MailFacts.of(envelope);
        List<Rule> matched = rules.matching(mail);
        List<String> names = matched.stream().map(Rule::name).toList();
        Optional<Rule> skipRule = first(matched, r -> r.actions().skip());
        List<TlpMarkers.Marker> markers = policy == TlpPolicy.OFF ? List.of()
                : TlpMarkers.find(envelope.subject(), envelope.body());
        if (skipRule.isPresent() && skipRule.get().actions().skip()) {
            return new TriageDecision(names, skipRule.get().name(), markers, null);
        }
        Optional<Rule> authorRule = first(matched, r -> r.actions().author());
        Author author = authorRule.map(r -> r.actions().author())
                .orElse(new Author(defaults.authorName(), "", List.of()));
        Optional<Rule> tlpRule = first(matched, r -> r.actions().tlp());
        Tlp tlp = tlpRule.map(r -> Tlp.fromSetting(r.actions().tlp())).orElse(defaults.tlp());
        String origin = tlpRule.map(r -> "rule \"" + r.name() + "\"").orElse(null);
        Optional<TlpMarkers.Marker> marker = TlpMarkers.strictest(markers);
        // Tlp's declaration order is its strictness: CLEAR < GREEN < AMBER < AMBER+STRICT < RED
        if (marker.isPresent() && (policy == TlpPolicy.TRUST && marker.get().level() != tlp
                || policy == TlpPolicy.RAISE && marker.get().level().ordinal() > tlp.ordinal())) {
            origin = marker.get().describe() + (policy == TlpPolicy.RAISE ? ", stricter than "
                    + (origin == null ? "the default" : origin) : "");
            tlp = marker.get().level();
        }
        if (minimum != null && tlp.ordinal() < minimum.ordinal()) {
            origin = "the minimum EMAIL_INTEL_MICROSOFT_TLP_MINIMUM, raised from " + tlp.label() + " ("
                    + (origin == null ? "the default" : origin) + ")";
            tlp = minimum;
        }
        List<String> labels = first(matched, r -> r.actions().labels()).map(r -> r.actions().labels())
                .orElse(List.of());
        List<String> types = first(matched, r -> r.actions().reportTypes()).map(r -> r.actions().reportTypes())
                .orElse(defaults.reportTypes());
        ReportDecision report = new ReportDecision(author.name(), author.description(), author.sectors(), tlp,
                origin, labels, types, mail.forwarded() ? mail.originalSender() : null);
        return new TriageDecision(names, null, markers, report);
    }

    private static Optional<Rule> first(List<Rule> matched, Function<Rule, Object> action) {
        return matched.stream().filter(r -> action.apply(r) != null).findFirst();
    }
}
