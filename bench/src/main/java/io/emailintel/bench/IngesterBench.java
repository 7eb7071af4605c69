package io.emailintel.bench;

import com.rabbitmq.client.Connection;
import io.emailintel.ingester.FakeOpenCti;
import io.emailintel.model.Envelope;
import io.emailintel.testing.BenchBrokers;
import io.emailintel.testing.TestBroker;
import io.emailintel.topology.Topology;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.IntFunction;

/**
 * Sections 3 and 5 (ingester half): a work queue pre-filled with envelopes, drained by N packaged ingesters
 * ({@code run --exit-when-idle}) into a FakeOpenCti whose push queue a {@link PushDrain} empties as the
 * platform's workers would.
 */
final class IngesterBench {

    /**
     * One measured run.
     *
     * @param seconds       from starting the ingester processes to the last push message arriving
     * @param steadySeconds from the first push message arriving to the last (no JVM start-up, registration)
     * @param graphqlCalls  every request FakeOpenCti answered (health, registration, works, expectations, pings)
     * @param cpuSeconds    the ingester processes' CPU, start to exit, JVM start-up and JIT included
     * @param steadyCpuMsPerEmail their CPU per e-mail between 10 % and 90 % of the push messages ({@link SteadyCpu})
     * @param brokerCpuSeconds the local broker's CPU from the start of the processes to the last push message
     * @param benchCpuSeconds this JVM's (FakeOpenCti and the push drain) over the same time
     */
    record Result(String label, int emails, int processes, int concurrency, int prefetch, String xmx, int ingested,
                  double seconds, double steadySeconds, int graphqlCalls, long pushMessages, long pushBytes,
                  long peakHeapBytes, long peakRssKib, double cpuSeconds, double steadyCpuMsPerEmail,
                  double brokerCpuSeconds, double benchCpuSeconds, Path dir) {
        double cpuSecondsPerThousand() {
            return cpuSeconds * 1000 / Math.max(1, ingested);
        }

        double emailsPerSecond() {
            return ingested / seconds;
        }

        double steadyEmailsPerSecond() {
            return steadySeconds > 0 ? ingested / steadySeconds : 0;
        }

        double callsPerEmail() {
            return (double) graphqlCalls / Math.max(1, ingested);
        }
    }

    private final String brokerUri;
    private final Path ingesterJar;
    private final String prefix;
    private final Duration idle;

    /** {@code idle}: how long the work queue must stay empty before an ingester exits (after the last push). */
    IngesterBench(String brokerUri, Path ingesterJar, String prefix, Duration idle) {
        this.brokerUri = brokerUri;
        this.ingesterJar = ingesterJar;
        this.prefix = prefix;
        this.idle = idle;
    }

    Result run(String label, int emails, int processes, String xmx, int concurrency, int prefetch,
               IntFunction<Envelope> mail) throws Exception {
        return run(label, emails, processes, xmx, concurrency, prefetch, List.of(), mail);
    }

    /**
     * As above, with extra JVM options for the ingesters (a flight recording, GC logging); {@code {dir}} in an
     * option stands for the run's directory, where the logs go.
     */
    Result run(String label, int emails, int processes, String xmx, int concurrency, int prefetch,
               List<String> jvmOptions, IntFunction<Envelope> mail) throws Exception {
        Path dir = Files.createTempDirectory("bench-ingester-" + label);
        List<String> jvmArgs = jvmOptions.stream().map(a -> a.replace("{dir}", dir.toString())).toList();
        try (TestBroker broker = BenchBrokers.open(brokerUri, prefix + "-" + label);
             FakeOpenCti openCti = new FakeOpenCti(broker, "opencti")) {
            Topology topology = broker.declare(broker.prefix("p"), Ingesters.RETRY_DELAYS);
            Connection connection = broker.connect();
            WorkQueueFill.publish(connection, topology, emails, mail);
            try (PushDrain drain = new PushDrain(connection, openCti.pushQueue())) {
                long brokerCpu = CpuTime.broker();
                long benchCpu = CpuTime.self();
                long childrenCpu = CpuTime.reapedChildren();
                long start = System.nanoTime();
                List<PackagedProcess> ingesters = Ingesters.start(processes, ingesterJar, xmx, jvmArgs,
                        Ingesters.env(broker, openCti, topology, Ingesters.newConnectorId(), concurrency, prefetch),
                        List.of("run", "--exit-when-idle", idle.toString()), dir);
                SteadyCpu steady = new SteadyCpu();
                IngestLog log = Ingesters.awaitIngested(ingesters, () -> steady.record(drain.messages(),
                        Ingesters.cpuNanos(ingesters)), broker, topology, emails, label, dir);
                awaitDrained(broker, openCti, drain);
                long brokerUsed = CpuTime.broker() - brokerCpu;
                long benchUsed = CpuTime.self() - benchCpu;
                long reaped = CpuTime.reapedChildren() - childrenCpu; // exact, where /proc has it
                long cpu = reaped > 0 ? reaped : Ingesters.cpuNanos(ingesters);
                double perPush = steady.nanosPerUnit(drain.messages());
                return new Result(label, emails, processes, concurrency, prefetch, xmx, log.envelopeIds().size(),
                        (drain.lastNanos() - start) / 1e9, (drain.lastNanos() - drain.firstNanos()) / 1e9,
                        openCti.requests.get(), drain.messages(), drain.bytes(), Ingesters.peakHeap(ingesters),
                        Ingesters.peakRss(ingesters), cpu / 1e9,
                        perPush * drain.messages() / Math.max(1, emails) / 1e6, brokerUsed / 1e9, benchUsed / 1e9,
                        dir);
            }
        }
    }

    /** Every push message is confirmed before the ingesters exit; wait until the drain has taken them all. */
    static void awaitDrained(TestBroker broker, FakeOpenCti openCti, PushDrain drain) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        long seen = -1;
        while (System.nanoTime() < deadline) {
            long now = drain.messages();
            if (now == seen && broker.messageCount(openCti.pushQueue()) == 0) {
                return;
            }
            seen = now;
            Thread.sleep(300);
        }
        throw new IllegalStateException("the push queue was not drained within 2 minutes");
    }
}
