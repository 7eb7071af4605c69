package io.emailintel.ingester.consume;

import static org.assertj.core.api.Assertions.assertThat;

import io.emailintel.ingester.opencti.OpenCtiException;
import io.emailintel.ingester.stix.InvalidBundleException;
import io.emailintel.model.PoisonEnvelopeException;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.io.IOException;
import java.net.ConnectException;
import java.util.List;
import org.junit.jupiter.api.Test;

class FailureTest {

    @Test
    void unreadableEnvelopesArePoisonWithTheCodecsReason() {
        Failure f = Failure.classify(new PoisonEnvelopeException(PoisonEnvelopeException.Reason.UNKNOWN_SCHEMA_VERSION, "v2"), "decode");
        assertThat(f.kind()).isEqualTo(Failure.Kind.POISON);
        assertThat(f.reason()).isEqualTo("unknown-schema-version");
        assertThat(f.stage()).isEqualTo("decode");
    }

    @Test
    void invalidBundlesArePoison() {
        assertThat(Failure.classify(new InvalidBundleException(List.of("x")), "build").kind()).isEqualTo(Failure.Kind.POISON);
    }

    @Test
    void openCtiFailuresKeepTheirOwnClassification() {
        Failure down = Failure.classify(OpenCtiException.unavailable("opencti-http-503", "503", null), "push");
        assertThat(down.kind()).isEqualTo(Failure.Kind.TRANSIENT);
        assertThat(down.reason()).isEqualTo("opencti-http-503");
        Failure refused = Failure.classify(OpenCtiException.rejected("opencti-rejected", "no"), "push");
        assertThat(refused.kind()).isEqualTo(Failure.Kind.POISON);
    }

    @Test
    void anUnsupportedErrorIsAmbiguousAndNeverQuickRetried() {
        Failure f = Failure.classify(OpenCtiException.ambiguous("opencti-unsupported-error", "Invalid bundle"), "push");
        assertThat(f.kind()).isEqualTo(Failure.Kind.AMBIGUOUS);
    }

    @Test
    void brokerAndNetworkErrorsAreTransient() {
        assertThat(Failure.classify(new ConnectException("refused"), "push").kind()).isEqualTo(Failure.Kind.TRANSIENT);
        assertThat(Failure.classify(new IOException("x"), "push").kind()).isEqualTo(Failure.Kind.TRANSIENT);
    }

    @Test
    void anOpenCircuitDefersWithoutCountingAnAttempt() {
        CircuitBreaker cb = CircuitBreaker.ofDefaults("t");
        cb.transitionToOpenState();
        assertThat(Failure.classify(CallNotPermittedException.createCallNotPermittedException(cb), "push").kind())
                .isEqualTo(Failure.Kind.DEFERRED);
    }

    @Test
    void unexpectedBugsArePoisonSoTheyCanBeReplayedAfterAFix() {
        Failure f = Failure.classify(new NullPointerException("bug"), "build");
        assertThat(f.kind()).isEqualTo(Failure.Kind.POISON);
        assertThat(f.reason()).isEqualTo("internal-error");
        assertThat(f.exceptionClass()).isEqualTo("java.lang.NullPointerException");
    }

    @Test
    void messagesLoseAnythingCredentialLike() {
        Failure f = Failure.classify(new IOException("Authorization: Bearer abc.def.ghi failed for amqp://user:s3cret@host/ "
                + "token=xyz password: hunter2"), "push");
        assertThat(f.safeMessage()).doesNotContain("abc.def.ghi").doesNotContain("s3cret").doesNotContain("xyz")
                .doesNotContain("hunter2").contains("Bearer ****").contains("amqp://user:****@host");
    }

    @Test
    void longMessagesAreTruncated() {
        Failure f = Failure.classify(new IOException("x".repeat(5_000)), "push");
        assertThat(f.safeMessage()).hasSizeLessThanOrEqualTo(Failure.MAX_MESSAGE + 1);
    }

    @Test
    void aStackOverflowWhileProcessingAnEmailIsThatEmailsPoisonWithAClearMessage() {
        StackOverflowError e = new StackOverflowError();
        assertThat(Failure.isContained(e)).isTrue();
        Failure f = Failure.classify(e, "build");
        assertThat(f.kind()).isEqualTo(Failure.Kind.POISON);
        assertThat(f.reason()).isEqualTo("internal-error");
        assertThat(f.exceptionClass()).isEqualTo("java.lang.StackOverflowError");
        assertThat(f.safeMessage()).contains("stack overflow");
    }

    @Test
    void anExhaustedHeapOrABrokenClassPathIsNotBlamedOnTheEmail() {
        assertThat(Failure.isContained(new OutOfMemoryError("Java heap space"))).isFalse();
        assertThat(Failure.isContained(new NoClassDefFoundError("x"))).isFalse();
        assertThat(Failure.isContained(new OutOfMemoryError("Requested array size exceeds VM limit"))).isTrue();
    }
}
