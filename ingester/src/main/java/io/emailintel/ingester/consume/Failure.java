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
 * @param kind    poison (dead-letter now), transient (retry), or deferred (OpenCTI is known to be down:
 *                put the e-mail back without counting an attempt)
 * @param reason  short machine-readable reason for the headers
 * @param stage   decode, build, work or push
 * @param cause   the exception
 */
public record Failure(Kind kind, String reason, String stage, Throwable cause) {

    public enum Kind { POISON, TRANSIENT, DEFERRED }

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
            return new Failure(o.isTransient() ? Kind.TRANSIENT : Kind.POISON, o.reason(), stage, e);
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

    public String exceptionClass() {
        return cause == null ? "" : cause.getClass().getName();
    }

    /** The exception message with anything credential-like masked, truncated for a header. */
    public String safeMessage() {
        String m = cause == null || cause.getMessage() == null ? "" : cause.getMessage();
        m = SECRETS.matcher(m).replaceAll(r -> {
            for (int g = 1; g <= 3; g++) {
                if (r.group(g) != null) {
                    return java.util.regex.Matcher.quoteReplacement(r.group(g)) + "****" + (g == 2 ? "@" : "");
                }
            }
            return "****";
        });
        return m.length() > MAX_MESSAGE ? m.substring(0, MAX_MESSAGE) + "…" : m;
    }
}
