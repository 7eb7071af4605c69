package io.emailintel.ingester.consume;

import io.emailintel.ingester.opencti.BundleSink;
import io.emailintel.ingester.opencti.Works;
import io.emailintel.ingester.stix.BundleValidator;
import io.emailintel.ingester.stix.ReportBuilder;
import io.emailintel.ingester.stix.StixBundle;
import io.emailintel.model.Envelope;
import io.emailintel.model.EnvelopeCodec;
import io.emailintel.topology.Headers;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * One attempt at one e-mail: decode → build → validate → open the cycle's work → add expectations → push.
 * Transient OpenCTI failures get a few quick in-process retries with jittered exponential backoff
 * ({@link QuickRetry}); whatever still
 * fails is returned as a classified {@link Failure} for the {@link FailureRouter}.
 */
public final class EnvelopeProcessor {

    /** The outcome of one attempt; {@code failure} is null on success. */
    public record Attempt(String envelopeId, String reportId, Instant receivedAt, Works.Work work, Failure failure) {
    }

    private final EnvelopeCodec codec;
    private final ReportBuilder builder;
    private final Works works;
    private final BundleSink sink;
    private final QuickRetry retry;

    public EnvelopeProcessor(EnvelopeCodec codec, ReportBuilder builder, Works works, BundleSink sink,
                             OpenCtiCircuit circuit, Sleeper sleeper, int quickAttempts, Duration backoff) {
        this.codec = codec;
        this.builder = builder;
        this.works = works;
        this.sink = sink;
        this.retry = new QuickRetry(circuit, sleeper, quickAttempts, backoff);
    }

    public Attempt process(byte[] body, Map<String, Object> headers) {
        Envelope envelope;
        try {
            envelope = codec.decode(body);
        } catch (Exception e) {
            return new Attempt("", "", null, null, Failure.classify(e, "decode"));
        }
        StixBundle bundle;
        try {
            bundle = builder.build(envelope);
            BundleValidator.validate(bundle.json());
        } catch (Exception e) {
            return new Attempt(envelope.envelopeId(), "", envelope.receivedAt(), null, Failure.classify(e, "build"));
        }
        boolean replay = headers != null && headers.containsKey(Headers.REPLAY_COUNT);
        String key = (replay ? "replay:" : "") + envelope.fetchCycleId();
        String name = replay ? "Email Intel replay of fetch cycle " + envelope.fetchCycleId()
                : "Email Intel fetch cycle " + envelope.fetchCycleId();
        Works.Work work;
        try {
            work = retry.run("work", () -> works.begin(key, name));
        } catch (Exception e) {
            return new Attempt(envelope.envelopeId(), bundle.reportId(), envelope.receivedAt(), null, Failure.classify(e, "work"));
        }
        try {
            retry.run("push", () -> {
                works.expect(work, sink.expectations(bundle));
                sink.push(work.id(), bundle);
                return null;
            });
            return new Attempt(envelope.envelopeId(), bundle.reportId(), envelope.receivedAt(), work, null);
        } catch (Exception e) {
            return new Attempt(envelope.envelopeId(), bundle.reportId(), envelope.receivedAt(), work, Failure.classify(e, "push"));
        }
    }
}
