package io.emailintel.bench;

import io.emailintel.ingester.observables.Exclusions;
import io.emailintel.ingester.observables.ExtractMode;
import io.emailintel.ingester.observables.Extraction;
import io.emailintel.ingester.observables.Extractor;
import io.emailintel.ingester.observables.ObservableObjects;
import io.emailintel.model.Envelope;
import io.emailintel.model.EnvelopeBody;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.IntFunction;

/**
 * The cost of observable extraction per e-mail, in process (no broker): {@code Extractor.extract} plus building
 * the STIX objects, with {@code indicators} (the most work), on the bench's 20 KB HTML bodies and on a 20 KB
 * plain-text body dense with public, defanged indicators. A warm-up, then every e-mail timed on its own.
 * {@code java -cp bench/target/bench.jar io.emailintel.bench.ExtractionBench [e-mails]}.
 */
final class ExtractionBench {

    record Result(String body, int emails, int observablesPerEmail, double meanMicros, double p50Micros,
                  double p99Micros) {
    }

    private static final Extractor EXTRACTOR = new Extractor(ExtractMode.INDICATORS, Exclusions.defaults(),
            Extractor.DEFAULT_CAP);

    private ExtractionBench() {
    }

    static Result run(String name, int emails, IntFunction<Envelope> mail) {
        Instant now = Instant.now();
        for (int i = 0; i < Math.max(200, emails / 5); i++) {
            once(mail.apply(i), now);
        }
        long[] nanos = new long[emails];
        int found = 0;
        for (int i = 0; i < emails; i++) {
            Envelope e = mail.apply(i);
            long start = System.nanoTime();
            found = once(e, now);
            nanos[i] = System.nanoTime() - start;
        }
        Arrays.sort(nanos);
        double mean = Arrays.stream(nanos).average().orElse(0) / 1000.0;
        return new Result(name, emails, found, mean, nanos[emails / 2] / 1000.0,
                nanos[Math.min(emails - 1, (int) Math.ceil(emails * 0.99) - 1)] / 1000.0);
    }

    private static int once(Envelope e, Instant now) {
        Extraction x = EXTRACTOR.extract(e);
        return ObservableObjects.of(x, ExtractMode.INDICATORS, "identity--f6cec5a0-1d11-505a-a68e-2577e51c124c",
                "marking-definition--826578e1-40ad-459f-bc73-ede076f81f37", e.receivedAt(), now).size();
    }

    /** About 20 KB of text lines, each a defanged public IP, a domain, a URL and a SHA-256. */
    static String denseBody() {
        StringBuilder b = new StringBuilder();
        for (int n = 0; b.length() < SyntheticMail.BODY_CHARS; n++) {
            b.append("C2 45.61.").append(n % 250 + 1).append("[.]").append(n % 199 + 1).append(" at update-")
                    .append(n).append("[.]net, payload hxxps://cdn-").append(n).append("[.]com/p/").append(n)
                    .append(".bin sha256 ").append(String.format(Locale.ROOT, "%016x%016x%016x%016x", n * 0x9E3779B97F4A7C15L,
                            n * 0xC2B2AE3D27D4EB4FL + 1, n * 0x165667B19E3779F9L + 7, n * 0x27D4EB2F165667C5L + 3))
                    .append('\n');
        }
        return b.toString();
    }

    static Result[] runBoth(int emails) {
        Instant t = Instant.parse("2025-05-09T10:11:12Z");
        String dense = denseBody();
        return new Result[] {
                run("bench mix (20 KB HTML, documentation IPs, .example domains)", emails,
                        i -> SyntheticMail.standard(i, "x", t)),
                run("20 KB text, dense defanged public indicators", emails,
                        i -> Envelope.builder().source(SyntheticMail.standard(i, "x", t).source())
                                .from(SyntheticMail.standard(i, "x", t).from()).receivedAt(t)
                                .body(new EnvelopeBody(EnvelopeBody.TEXT, dense)).fetchCycleId("x").fetchedAt(t)
                                .build()),
        };
    }

    static String markdown(Result[] results) {
        StringBuilder md = new StringBuilder("| body | e-mails | objects per e-mail | mean µs | p50 µs | p99 µs |\n"
                + "|---|---|---|---|---|---|\n");
        for (Result r : results) {
            md.append(String.format(Locale.ROOT, "| %s | %d | %d | %.0f | %.0f | %.0f |%n", r.body(), r.emails(),
                    r.observablesPerEmail(), r.meanMicros(), r.p50Micros(), r.p99Micros()));
        }
        return md.toString();
    }

    public static void main(String[] args) {
        int emails = args.length > 0 ? Integer.parseInt(args[0]) : 5_000;
        System.out.print(markdown(runBoth(emails)));
    }
}
