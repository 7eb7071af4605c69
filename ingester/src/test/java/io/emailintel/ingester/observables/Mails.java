package io.emailintel.ingester.observables;

import io.emailintel.model.EmailAddress;
import io.emailintel.model.Envelope;
import io.emailintel.model.EnvelopeBody;
import io.emailintel.model.EnvelopeSource;
import java.time.Instant;

/** Envelopes for extraction tests: one mailbox, a given sender and body. */
final class Mails {

    static final String MAILBOX = "cti@corp-defender.net";
    static final Instant RECEIVED = Instant.parse("2025-05-09T10:11:12Z");

    private Mails() {
    }

    static Envelope.Builder from(String sender, EnvelopeBody body) {
        EnvelopeSource source = new EnvelopeSource(EnvelopeSource.KIND_GRAPH, MAILBOX, "Inbox", "AAMk-" + sender,
                "<m-" + sender + ">");
        return Envelope.builder().source(source).subject("Advisory").from(EmailAddress.of(sender))
                .receivedAt(RECEIVED).body(body).fetchCycleId("c1").fetchedAt(RECEIVED);
    }

    static Envelope text(String body) {
        return from("alerts@cert-bulletins.org", new EnvelopeBody(EnvelopeBody.TEXT, body)).build();
    }
}
