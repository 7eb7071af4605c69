package io.emailintel.ingester.observables;

import io.emailintel.model.EmailAddress;
import io.emailintel.model.Envelope;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Envelope → the observables its text holds: refanged, de-duplicated, without the excluded ones, at most
 * {@code cap} per e-mail (in order of first appearance; the rest only counted). Pure: the same envelope and
 * settings give the same result, so a replay re-extracts exactly.
 */
public final class Extractor {

    public static final int DEFAULT_CAP = 1000;
    /**
     * Distinct values considered per e-mail before scanning stops (the description then says "at least"): bounds
     * the memory a hostile e-mail with millions of distinct tokens can take.
     */
    static final int MAX_DISTINCT = 100_000;

    private static final Extractor OFF = new Extractor(ExtractMode.OFF, Exclusions.defaults(), DEFAULT_CAP);

    private final ExtractMode mode;
    private final Exclusions exclusions;
    private final int cap;

    public Extractor(ExtractMode mode, Exclusions exclusions, int cap) {
        if (cap < 1) {
            throw new IllegalArgumentException("cap must be at least 1, was " + cap);
        }
        this.mode = mode;
        this.exclusions = exclusions;
        this.cap = cap;
    }

    /** Extracts nothing: the default. */
    public static Extractor off() {
        return OFF;
    }

    public ExtractMode mode() {
        return mode;
    }

    public Extraction extract(Envelope envelope) {
        if (mode == ExtractMode.OFF) {
            return Extraction.NONE;
        }
        Set<String> ownAddresses = new HashSet<>();
        Set<String> ownDomains = new HashSet<>();
        own(envelope.source().mailbox(), ownAddresses, ownDomains);
        for (EmailAddress a : List.of(envelope.from(), envelope.sender())) {
            own(a.address(), ownAddresses, ownDomains);
        }
        for (List<EmailAddress> list : List.of(envelope.recipients().to(), envelope.recipients().cc(),
                envelope.recipients().bcc())) {
            list.forEach(a -> ownAddresses.add(a.normalizedAddress()));
        }
        Set<Observable> seen = new HashSet<>();
        List<Observable> kept = new ArrayList<>();
        int[] leftOut = {0};
        boolean complete = true;
        for (String text : MailText.of(envelope)) {
            complete = TextScanner.scan(text, candidate -> {
                if (seen.add(candidate) && !exclusions.excludes(candidate, ownAddresses, ownDomains)) {
                    if (kept.size() < cap) {
                        kept.add(candidate);
                    } else {
                        leftOut[0]++;
                    }
                }
                return seen.size() < MAX_DISTINCT;
            });
            if (!complete) {
                break;
            }
        }
        return new Extraction(kept, leftOut[0], !complete);
    }

    /** An address and its domain, lower-cased (the mailbox of a directory source is a path: ignored). */
    private static void own(String address, Set<String> addresses, Set<String> domains) {
        String a = address.strip().toLowerCase(Locale.ROOT);
        int at = a.lastIndexOf('@');
        if (at > 0 && at < a.length() - 1) {
            addresses.add(a);
            domains.add(a.substring(at + 1));
        }
    }
}
