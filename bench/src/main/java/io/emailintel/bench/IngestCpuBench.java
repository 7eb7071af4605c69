package io.emailintel.bench;

import io.emailintel.ingester.opencti.PushMessages;
import io.emailintel.ingester.stix.BodySanitizer;
import io.emailintel.ingester.stix.BundleValidator;
import io.emailintel.ingester.stix.InvalidBundleException;
import io.emailintel.ingester.stix.ReportBuilder;
import io.emailintel.ingester.stix.ReportOptions;
import io.emailintel.ingester.stix.StixBundle;
import io.emailintel.ingester.triage.Triage;
import io.emailintel.ingester.triage.TlpPolicy;
import io.emailintel.model.Envelope;
import io.emailintel.model.EnvelopeCodec;
import io.emailintel.model.PoisonEnvelopeException;
import io.emailintel.triage.Rules;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;

/**
 * Issue 20: the ingester's CPU per e-mail of the bench mix, in process, no broker: the work one ingest thread
 * does for a delivery (decode the envelope → triage with the default TLP-marker policy → build the report →
 * validate → serialise the push messages), one thread, after a warm-up that lets the JIT compile it all. CPU is
 * the thread's own ({@link ThreadMXBean#getCurrentThreadCpuTime}) per stage, and the whole process's over the
 * measured loop (GC and JIT threads included). {@code java -cp bench/target/bench.jar
 * io.emailintel.bench.IngestCpuBench [e-mails] [warm-up e-mails]}.
 */
final class IngestCpuBench {

    /** The mix repeats every 20 e-mails: 2 with a PDF (i % 10 == 0), 1 with a skipped .exe (i % 20 == 1). */
    private static final int DISTINCT = 20;
    private static final String APPLICANT = "88ec0c6a-13ce-5e39-b486-354fe4a7084f";

    /**
     * CPU per e-mail in milliseconds: the ingest thread's total and its stages, and the process's (every thread,
     * GC and JIT compiler included) over the same loop.
     */
    record Result(int emails, double threadMs, double decodeMs, double triageMs, double buildMs, double sanitiseMs,
                  double validateMs, double serialiseMs, double processMs, double pushBytesPerEmail) {
    }

    private final EnvelopeCodec codec = new EnvelopeCodec();
    private final ReportBuilder builder = new ReportBuilder(ReportOptions.defaults(), Clock.systemUTC());
    private final Triage triage = new Triage(Rules.none(), ReportOptions.defaults(), TlpPolicy.fromSetting("raise"),
            null);
    private final byte[][] envelopes = new byte[DISTINCT][];
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    IngestCpuBench() {
        Instant received = Instant.parse("2026-11-30T10:00:00Z").truncatedTo(ChronoUnit.SECONDS);
        for (int i = 0; i < DISTINCT; i++) {
            envelopes[i] = codec.encode(SyntheticMail.standard(i, "cpu-bench", received.plusSeconds(i)));
        }
    }

    /** {@code warmUp} e-mails unmeasured, then {@code emails} measured (the sanitiser alone is left 0). */
    Result run(int emails, int warmUp) throws Exception {
        long[] stages = new long[5];
        for (int i = 0; i < warmUp; i++) {
            once(envelopes[i % DISTINCT], stages);
        }
        stages = new long[5];
        long bytes = 0;
        long process = os.getProcessCpuTime();
        long thread = threads.getCurrentThreadCpuTime();
        for (int i = 0; i < emails; i++) {
            bytes += once(envelopes[i % DISTINCT], stages);
        }
        thread = threads.getCurrentThreadCpuTime() - thread;
        process = os.getProcessCpuTime() - process;
        double n = emails * 1e6;
        return new Result(emails, thread / n, stages[0] / n, stages[1] / n, stages[2] / n, 0,
                stages[3] / n, stages[4] / n, process / n, bytes / (double) emails);
    }

    /** One e-mail; its push bytes. Adds to {@code stages}: decode, triage, build, validate, serialise. */
    private long once(byte[] body, long[] stages) throws PoisonEnvelopeException, InvalidBundleException {
        long t0 = threads.getCurrentThreadCpuTime();
        Envelope envelope = codec.decode(body);
        long t1 = threads.getCurrentThreadCpuTime();
        var decision = triage.decide(envelope);
        long t2 = threads.getCurrentThreadCpuTime();
        StixBundle bundle = builder.build(envelope, decision.report());
        long t3 = threads.getCurrentThreadCpuTime();
        BundleValidator.validate(bundle.json());
        long t4 = threads.getCurrentThreadCpuTime();
        List<byte[]> messages = PushMessages.bodies(bundle, APPLICANT);
        long t5 = threads.getCurrentThreadCpuTime();
        stages[0] += t1 - t0;
        stages[1] += t2 - t1;
        stages[2] += t3 - t2;
        stages[3] += t4 - t3;
        stages[4] += t5 - t4;
        long bytes = 0;
        for (byte[] m : messages) {
            bytes += m.length;
        }
        return bytes;
    }

    /** The sanitiser alone on the bench body, per call (it is part of build). */
    double sanitiseMs(int calls) throws PoisonEnvelopeException {
        Envelope e = codec.decode(envelopes[1]);
        long sink = 0;
        for (int i = 0; i < calls; i++) {
            sink += BodySanitizer.toSafeHtml(e.body()).length();
        }
        long t = threads.getCurrentThreadCpuTime();
        for (int i = 0; i < calls; i++) {
            sink += BodySanitizer.toSafeHtml(e.body()).length();
        }
        t = threads.getCurrentThreadCpuTime() - t;
        if (sink == 42) {
            System.out.print(""); // keeps the results alive
        }
        return t / (calls * 1e6);
    }

    /** Measures with {@code emails} after {@code warmUp}; the sanitiser alone is filled into the result. */
    static Result measure(int emails, int warmUp) throws Exception {
        IngestCpuBench bench = new IngestCpuBench();
        Result r = bench.run(emails, warmUp);
        double sanitise = bench.sanitiseMs(Math.max(200, emails / 5));
        return new Result(r.emails(), r.threadMs(), r.decodeMs(), r.triageMs(), r.buildMs(), sanitise,
                r.validateMs(), r.serialiseMs(), r.processMs(), r.pushBytesPerEmail());
    }

    static String markdown(Result r) {
        return "| e-mails | thread CPU ms/e-mail | decode | triage | build | (sanitiser alone) | validate | serialise "
                + "| process CPU ms/e-mail | push KiB/e-mail |\n|---|---|---|---|---|---|---|---|---|---|\n"
                + String.format(Locale.ROOT, "| %d | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f | %.1f |%n",
                r.emails(), r.threadMs(), r.decodeMs(), r.triageMs(), r.buildMs(), r.sanitiseMs(), r.validateMs(),
                r.serialiseMs(), r.processMs(), r.pushBytesPerEmail() / 1024);
    }

    /** Section 7 of bench/run: the table and its target (issue 20: ≤ 2 ms of CPU per e-mail, JIT warm). */
    static void section(StringBuilder md, Targets targets, boolean smoke) throws Exception {
        Result r = measure(smoke ? 200 : 10_000, smoke ? 200 : 5_000);
        md.append("\n## 7. Ingester CPU per e-mail\n\nIn process, no broker (`IngestCpuBench`): what an ingest thread does "
                + "for one delivery of the bench mix (decode the envelope, triage with the default TLP-marker policy, "
                + "build the report, validate, serialise the push messages), one thread, after a warm-up. Thread CPU "
                + "per stage; process CPU (GC and JIT included) over the same loop. The sanitiser alone is measured "
                + "apart (it is part of build).\n\n");
        md.append(markdown(r));
        targets.atMost("7", "ingest pipeline process CPU per e-mail, JIT warm (ms)", r.processMs(), 2.0, "%.3f");
    }

    public static void main(String[] args) throws Exception {
        int emails = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int warmUp = args.length > 1 ? Integer.parseInt(args[1]) : Math.max(1_000, emails / 2);
        System.out.print(markdown(measure(emails, warmUp)));
    }
}
