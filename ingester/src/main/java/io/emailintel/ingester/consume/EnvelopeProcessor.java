package io.emailintel.ingester.consume;

import io.emailintel.ingester.opencti.BundleSink;
import io.emailintel.ingester.opencti.Works;
import io.emailintel.ingester.stix.BundleValidator;
import io.emailintel.ingester.stix.ReportBuilder;
import io.emailintel.ingester.stix.StixBundle;
import io.emailintel.ingester.triage.Triage;
import io.emailintel.ingester.triage.TriageDecision;
import io.emailintel.model.Envelope;
import io.emailintel.model.EnvelopeCodec;
import io.emailintel.topology.Headers;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

/**
 * One attempt at one e-mail: decode → the cycle's work (the journal entry in OpenCTI's UI) → build → validate →
 * push, without waiting for the push's confirms.
 * Transient OpenCTI failures get a few quick in-process retries with jittered exponential backoff
 * ({@link QuickRetry}, scheduled, not slept); whatever still
 * fails is returned as a classified {@link Failure} for the {@link FailureRouter}.
 */
public final class EnvelopeProcessor {

    /**
     * The outcome of one attempt; {@code failure} is null on success; {@code filteredBy} names the triage rule
     * that skipped the e-mail (no report), else null.
     */
    public record Attempt(String envelopeId, String reportId, Instant receivedAt, Works.Work work, Failure failure,
                          String filteredBy) {

        public Attempt(String envelopeId, String reportId, Instant receivedAt, Works.Work work, Failure failure) {
            this(envelopeId, reportId, receivedAt, work, failure, null);
        }
    }

    private final EnvelopeCodec codec;
    private final ReportBuilder builder;
    private final Triage triage;
    private final Works works;
    private final BundleSink sink;
    private final QuickRetry retry;
    private final OpenCtiCircuit circuit;

    /** Without triage rules: every report gets the builder's defaults. */
    public EnvelopeProcessor(EnvelopeCodec codec, ReportBuilder builder, Works works, BundleSink sink,
                             OpenCtiCircuit circuit, Sleeper sleeper, Later later, int quickAttempts,
                             Duration backoff) {
        this(codec, builder, Triage.fixed(builder.options()), works, sink, circuit, sleeper, later, quickAttempts,
                backoff);
    }

    public EnvelopeProcessor(EnvelopeCodec codec, ReportBuilder builder, Triage triage, Works works, BundleSink sink,
                             OpenCtiCircuit circuit, Sleeper sleeper, Later later, int quickAttempts,
                             Duration backoff) {
        this.codec = codec;
        this.builder = builder;
        this.triage = triage;
        this.works = works;
        this.sink = sink;
        this.retry = new QuickRetry(circuit, sleeper, later, quickAttempts, backoff);
        this.circuit = circuit;
    }

    /**
     * Starts one attempt: decodes, builds and validates on the calling thread, opens the cycle's work and
     * publishes the bundle, then returns without waiting for OpenCTI. The future completes with the outcome
     * once the push is confirmed or has finally failed (after the quick retries, which run on {@code executor},
     * as does everything after the push); it never completes exceptionally for a failure of the e-mail.
     */
    public CompletableFuture<Attempt> process(byte[] body, Map<String, Object> headers, Executor executor) {
        Envelope envelope = null;
        Throwable unreadable = null;
        try {
            envelope = codec.decode(body);
        } catch (Throwable e) {
            unreadable = contained(e);
        }
        // the work first, so that a dead letter at any stage counts in its cycle's work (an unreadable envelope
        // in the cycle its fetch-cycle header names); opening it never fails the e-mail (no push names a work)
        boolean replay = headers != null && headers.containsKey(Headers.REPLAY_COUNT);
        String cycle = envelope != null ? envelope.fetchCycleId() : headerCycle(headers);
        Works.Work work = works.begin((replay ? "replay:" : "") + cycle, replay
                ? "Email Intel replay of fetch cycle " + cycle : "Email Intel fetch cycle " + cycle);
        if (envelope == null) {
            return done(new Attempt("", "", null, work, Failure.classify(unreadable, "decode")));
        }
        StixBundle bundle;
        try {
            TriageDecision decision = triage.decide(envelope);
            if (decision.skipped()) {
                return done(new Attempt(envelope.envelopeId(), "", envelope.receivedAt(), work, null,
                        decision.skippedBy()));
            }
            bundle = builder.build(envelope, decision.report());
            BundleValidator.validate(bundle.json());
        } catch (Throwable e) {
            return done(new Attempt(envelope.envelopeId(), "", envelope.receivedAt(), work,
                    Failure.classify(contained(e), "build")));
        }
        Envelope read = envelope;
        return push(work, bundle, executor).handle((ok, error) -> new Attempt(read.envelopeId(),
                bundle.reportId(), read.receivedAt(), work, error == null ? null
                : Failure.classify(unwrap(error), "push")));
    }

    private static String headerCycle(Map<String, Object> headers) {
        Object cycle = headers == null ? null : headers.get(Headers.FETCH_CYCLE);
        return cycle == null || cycle.toString().isBlank() ? "unknown" : cycle.toString();
    }

    /**
     * The push, tried again after a scheduled backoff when it fails transiently while the circuit stays closed
     * (no thread sleeps meanwhile).
     */
    private CompletableFuture<Void> push(Works.Work work, StixBundle bundle, Executor executor) {
        return retry.retryAsync("push", attempt -> {
            try {
                return circuit.callAsync(() -> {
                    // continue on the executor, never on the broker connection's thread that delivered the confirm
                    return sink.push(work.id(), bundle).whenCompleteAsync((v, e) -> { }, executor);
                });
            } catch (Throwable e) {
                return CompletableFuture.failedFuture(contained(e));
            }
        }, executor);
    }

    /**
     * {@code e} itself when it is an exception or an {@link Error} this e-mail caused ({@link
     * Failure#isContained}: poison {@code internal-error}, not a crash loop); any other Error is rethrown.
     */
    private static Throwable contained(Throwable e) {
        if (e instanceof Error error && !Failure.isContained(error)) {
            throw error;
        }
        return e;
    }

    private static CompletableFuture<Attempt> done(Attempt attempt) {
        return CompletableFuture.completedFuture(attempt);
    }

    static Throwable unwrap(Throwable e) {
        Throwable t = e;
        while (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
