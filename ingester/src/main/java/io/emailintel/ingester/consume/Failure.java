package io.emailintel.ingester.consume;

import com.rabbitmq.client.ShutdownSignalException;
import io.emailintel.ingester.opencti.OpenCtiException;
import io.emailintel.ingester.stix.InvalidBundleException;
import io.emailintel.model.PoisonEnvelopeException;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import java.io.IOException;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * A failed ingestion, classified once: where it goes next follows from {@link Kind}.
 *
 * @param kind    poison (dead-letter now), transient (retry), ambiguous (retry through the tiers only, then
 *                dead-letter saying that the cause stayed unknown), or deferred (OpenCTI is known to be down: put
 *                the e-mail back without counting an attempt)
 * @param reason  short machine-readable reason for the headers
 * @param stage   decode, build, work or push
 * @param cause   the exception
 */
public record Failure(Kind kind, String reason, String stage, Throwable cause) {

    public enum Kind { POISON, TRANSIENT, AMBIGUOUS, DEFERRED }

    private static final Pattern SECRETS = Pattern.compile(
            "(?i)(bearer\\s+)\\S+|(://[^:/@\\s]+:)[^@\\s]+@|((?:token|password|pass|secret)[\"'=:\\s]+)[^\\s,\"'&]+");
    static final int MAX_MESSAGE = 500;

    public static Failure classify(Throwable e, String stage) {
        if (e instanceof PoisonEnvelopeException p) {
            return new Failure(Kind.POISON, p.reason().code(), stage, e);
        }
        if (e instanceof InvalidBundleException) {
            return new Failure(Kind.POISON, "invalid-bundle", stage, e);
        }
        if (e instanceof OpenCtiException o) {
            // UNSUPPORTED_ERROR (ambiguous) is an outage as often as a bad bundle: no quick in-process tries, but
            // the retry tiers give an outage time to pass, and PIPELINE_MAX_ATTEMPTS bounds a bundle that is bad
            Kind kind = switch (o.kind()) {
                case TRANSIENT -> Kind.TRANSIENT;
                case AMBIGUOUS -> Kind.AMBIGUOUS;
                case FINAL -> Kind.POISON;
            };
            return new Failure(kind, o.reason(), stage, e);
        }
        if (e instanceof CallNotPermittedException) {
            return new Failure(Kind.DEFERRED, "opencti-circuit-open", stage, e);
        }
        if (e instanceof IOException || e instanceof TimeoutException || e instanceof ShutdownSignalException) {
            return new Failure(Kind.TRANSIENT, "io-error", stage, e);
        }
        if (e instanceof InterruptedException) {
            return new Failure(Kind.DEFERRED, "interrupted", stage, e);
        }
        // a bug of ours that this e-mail triggers: retrying will not help, a replay after the fix will
        return new Failure(Kind.POISON, "internal-error", stage, e);
    }

    /**
     * Whether an {@link Error} thrown while processing one e-mail says something about that e-mail rather than
     * about this JVM, so that the e-mail may be dead-lettered as {@code internal-error} (ConditionalRejecting-
     * ErrorHandler's question, for errors): a StackOverflowError (e.g. absurdly nested HTML; the stack has
     * unwound by the time it is caught), an AssertionError (a bug of ours this input triggers), and the
     * OutOfMemoryError for one array larger than the VM allows (a size this input asks for, not an exhausted
     * heap). Any other OutOfMemoryError, a LinkageError or an internal VM error may hit whatever e-mail runs
     * next; dead-lettering it would turn a broken process into lost mail, so it is not contained.
     */
    public static boolean isContained(Error e) {
        return e instanceof StackOverflowError || e instanceof AssertionError
                || e instanceof OutOfMemoryError && e.getMessage() != null
                && e.getMessage().startsWith("Requested array size exceeds VM limit");
    }

    /**
     * The reason recorded when this failure dead-letters the e-mail: an ambiguous failure says that it ran out
     * of attempts without the cause becoming clear ({@code opencti-unsupported-error-after-retries}).
     */
    public String deadLetterReason() {
        return kind == Kind.AMBIGUOUS ? reason + "-after-retries" : reason;
    }

    public String exceptionClass() {
        return cause == null ? "" : cause.getClass().getName();
    }

    /** The exception message with anything credential-like masked, truncated for a header. */
    public String safeMessage() {
        String m = cause == null ? "" : cause.getMessage() != null ? cause.getMessage()
                : cause instanceof StackOverflowError ? "stack overflow while processing this e-mail (deeply nested "
                + "content?)" : "";
        m = SECRETS.matcher(m).replaceAll(r -> {
            for (int g = 1; g <= 3; g++) {
                if (r.group(g) != null) {
                    return java.util.regex.Matcher.quoteReplacement(r.group(g)) + "****" + (g == 2 ? "@" : "");
                }
            }
            return "****";
        });
        return truncated(m);
    }

    static String truncated(String m) {
        return m.length() > MAX_MESSAGE ? m.substring(0, MAX_MESSAGE) + "…" : m;
    }
}
