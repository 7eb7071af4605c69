package io.emailintel.ingester;

import com.rabbitmq.client.Connection;
import io.emailintel.config.CommonSettings;
import io.emailintel.config.Config;
import io.emailintel.ingester.consume.ConsumerGate;
import io.emailintel.ingester.consume.EnvelopeConsumer;
import io.emailintel.ingester.consume.EnvelopeProcessor;
import io.emailintel.ingester.consume.FailureRouter;
import io.emailintel.ingester.consume.IngestMetrics;
import io.emailintel.ingester.consume.OpenCtiCircuit;
import io.emailintel.ingester.consume.Sleeper;
import io.emailintel.ingester.opencti.ApiBundleSink;
import io.emailintel.ingester.opencti.BundleSink;
import io.emailintel.ingester.opencti.DirectoryBundleSink;
import io.emailintel.ingester.opencti.LocalWorkApi;
import io.emailintel.ingester.opencti.WorkApi;
import io.emailintel.ingester.opencti.Heartbeat;
import io.emailintel.ingester.opencti.OpenCtiClient;
import io.emailintel.ingester.opencti.OpenCtiException;
import io.emailintel.ingester.opencti.PushPublisher;
import io.emailintel.ingester.opencti.Registration;
import io.emailintel.ingester.opencti.Works;
import io.emailintel.ingester.stix.ReportBuilder;
import io.emailintel.ingester.stix.ReportOptions;
import io.emailintel.ingester.stix.Tlp;
import io.emailintel.model.EnvelopeCodec;
import io.emailintel.ops.Health;
import io.micrometer.core.instrument.MeterRegistry;
import io.emailintel.topology.Topology;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running ingester: wires configuration into the pipeline consumer, the STIX builder and the OpenCTI
 * side, and takes it apart again in order on {@link #close()}.
 */
final class Ingester implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Ingester.class);

    private final Config config;
    private final Connection pipeline;
    private final BundleSink sink;
    private final Works works;
    private final OpenCtiCircuit circuit;
    private final FailureRouter router;
    private final EnvelopeConsumer consumer;
    private final ScheduledExecutorService timers;

    /**
     * Whether nothing is left to do: no envelope in flight here, and the work queue and retry tiers empty
     * (used by {@code run --exit-when-idle}).
     */
    boolean idle() {
        if (consumer.inFlight() > 0) {
            return false;
        }
        Topology topology = CommonSettings.topology(config);
        try (var ch = pipeline.createChannel()) {
            if (ch.queueDeclarePassive(topology.workQueue()).getMessageCount() > 0) {
                return false;
            }
            for (var tier : topology.retryTiers()) {
                if (ch.queueDeclarePassive(tier.queue()).getMessageCount() > 0) {
                    return false;
                }
            }
            return consumer.inFlight() == 0;
        } catch (Exception e) {
            return false;
        }
    }

    private Ingester(Config config, Connection pipeline, BundleSink sink, Works works, OpenCtiCircuit circuit,
                     FailureRouter router, EnvelopeConsumer consumer, ScheduledExecutorService timers) {
        this.config = config;
        this.pipeline = pipeline;
        this.sink = sink;
        this.works = works;
        this.circuit = circuit;
        this.router = router;
        this.consumer = consumer;
        this.timers = timers;
    }

    /**
     * Declares the pipeline, registers with OpenCTI (waiting for it while it is unreachable, unless
     * {@code stopRequested}), then starts consuming.
     *
     * @return null when a stop was requested before the start completed
     */
    static Ingester start(Config config, Clock clock, Sleeper sleeper, BooleanSupplier stopRequested,
                          MeterRegistry registry, Health health) throws Exception {
        health.require("opencti", "not registered yet");
        health.require("broker", "not connected yet");
        String instance = instanceName();
        Topology topology = CommonSettings.topology(config);
        Duration timeout = config.get(IngesterSettings.PUSH_TIMEOUT);
        IngesterOutput output = config.get(IngesterSettings.OUTPUT);
        String connectorId;
        OpenCtiClient client = null;
        Registration registration = null;
        if (output.isOpenCti()) {
            connectorId = config.get(IngesterSettings.CONNECTOR_ID).toString();
            client = new OpenCtiClient(config.get(IngesterSettings.OPENCTI_URL),
                    config.get(IngesterSettings.OPENCTI_TOKEN), config.get(IngesterSettings.OPENCTI_SSL_VERIFY),
                    CommonSettings.tlsTrust(config), timeout);
            registration = register(config, client, connectorId, sleeper, stopRequested);
            if (registration == null) {
                return null;
            }
            health.up("opencti", "registered");
        } else {
            connectorId = "local";
            health.up("opencti", "not used: writing to " + output.directory());
        }
        Connection pipeline = CommonSettings.brokerUri(config).connect("email-intel-ingester " + instance);
        health.follow("broker", pipeline);
        // what a failed start (e.g. the broker connection lost half-way) must take down before it is retried
        Deque<AutoCloseable> started = new ArrayDeque<>();
        try {
            topology.declare(pipeline);
            log.info("pipeline declared: {}", topology);
            BundleSink sink = sink(config, output, client, registration, connectorId, timeout, instance);
            started.push(sink);
            WorkApi workApi = client != null ? client : new LocalWorkApi();
            Works works = new Works(workApi, connectorId, clock, config.get(IngesterSettings.WORK_QUIET_PERIOD),
                    registry);
            ConsumerGate gate = new ConsumerGate();
            OpenCtiClient platform = client;
            OpenCtiCircuit circuit = new OpenCtiCircuit(() -> {
                if (platform != null) {
                    platform.version();
                }
                sink.checkReachable();
            }, sleeper, config.get(IngesterSettings.CIRCUIT_PROBE_INTERVAL), gate);
            started.push(circuit::close);
            IngestMetrics metrics = new IngestMetrics(registry, clock);
            metrics.circuit(circuit::isOpen);
            circuit.onOpenChange(open -> {
                if (open) {
                    health.down("opencti", "circuit open: OpenCTI failing, consumption paused");
                } else {
                    health.up("opencti", "registered");
                }
            });
            ReportOptions options = new ReportOptions(Tlp.fromSetting(config.get(IngesterSettings.TLP_LEVEL)),
                    config.get(IngesterSettings.REPORT_TYPES), config.get(IngesterSettings.AUTHOR_NAME),
                    config.get(IngesterSettings.NO_TRIGGER_IMPORT));
            EnvelopeProcessor processor = new EnvelopeProcessor(new EnvelopeCodec(), new ReportBuilder(options, clock),
                    works, sink, circuit, sleeper, config.get(IngesterSettings.QUICK_RETRIES),
                    config.get(IngesterSettings.QUICK_RETRY_BACKOFF));
            FailureRouter router = new FailureRouter(pipeline, topology, config.get(CommonSettings.MAX_ATTEMPTS),
                    clock, instance, timeout);
            EnvelopeConsumer consumer = new EnvelopeConsumer(pipeline, topology, config.get(IngesterSettings.PREFETCH),
                    config.get(IngesterSettings.CONCURRENCY), processor, router, works, gate, metrics);
            ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "ingester-timers");
                t.setDaemon(true);
                return t;
            });
            started.push(timers::shutdownNow);
            if (client != null) {
                Heartbeat heartbeat = new Heartbeat(client, connectorId, config.get(IngesterSettings.QUEUE_THRESHOLD),
                        over -> gate.set(ConsumerGate.OPENCTI_OVERLOADED, over));
                long ping = config.get(IngesterSettings.PING_INTERVAL).toMillis();
                timers.scheduleWithFixedDelay(heartbeat, 0, ping, TimeUnit.MILLISECONDS);
            }
            long quiet = Math.max(100, Math.min(5_000, config.get(IngesterSettings.WORK_QUIET_PERIOD).toMillis() / 4));
            timers.scheduleWithFixedDelay(works::closeQuiet, quiet, quiet, TimeUnit.MILLISECONDS);
            consumer.start();
            log.info("ingester {} running: {} → {}", instance, topology.workQueue(), output.isOpenCti()
                    ? "OpenCTI (" + config.get(IngesterSettings.QUEUE_PROTOCOL) + " protocol)" : output.directory());
            return new Ingester(config, pipeline, sink, works, circuit, router, consumer, timers);
        } catch (Exception e) {
            for (AutoCloseable part : started) {
                try {
                    part.close();
                } catch (Exception suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            pipeline.abort();
            throw e;
        }
    }

    private static BundleSink sink(Config config, IngesterOutput output, OpenCtiClient client,
                                   Registration registration, String connectorId, Duration timeout, String instance)
            throws Exception {
        if (!output.isOpenCti()) {
            return new DirectoryBundleSink(output.directory());
        }
        return "api".equals(config.get(IngesterSettings.QUEUE_PROTOCOL))
                ? new ApiBundleSink(client, connectorId)
                : PushPublisher.connect(registration, CommonSettings.tlsTrust(config), timeout,
                        "email-intel-ingester push " + instance);
    }

    private static Registration register(Config config, OpenCtiClient client, String connectorId, Sleeper sleeper,
                                         BooleanSupplier stopRequested) throws OpenCtiException, InterruptedException {
        while (true) {
            try {
                String version = client.version();
                Registration r = client.register(connectorId, config.get(IngesterSettings.CONNECTOR_NAME),
                        config.get(IngesterSettings.CONNECTOR_SCOPE));
                r = r.withBroker(r.broker().override(config.get(IngesterSettings.MQ_HOST),
                        config.get(IngesterSettings.MQ_PORT), config.get(IngesterSettings.MQ_VHOST),
                        config.get(IngesterSettings.MQ_USE_SSL), config.get(IngesterSettings.MQ_USER),
                        config.get(IngesterSettings.MQ_PASS)));
                log.info("registered with OpenCTI {} as connector {}; pushing to {} ({}/{})", version, connectorId,
                        r.broker(), r.pushExchange(), r.pushRouting());
                return r;
            } catch (OpenCtiException e) {
                if (!e.isTransient() || isAuthFailure(e) || "opencti-tls".equals(e.reason())) {
                    // at start-up a refused token or an untrusted certificate is a configuration error: say so
                    // instead of waiting forever
                    throw e;
                }
                log.warn("OpenCTI not available yet ({}); retrying", e.getMessage());
                if (stopRequested.getAsBoolean()) {
                    return null;
                }
                sleeper.sleep(config.get(IngesterSettings.CIRCUIT_PROBE_INTERVAL));
                if (stopRequested.getAsBoolean()) {
                    return null;
                }
            }
        }
    }

    static boolean isAuthFailure(OpenCtiException e) {
        return e.reason().matches("opencti-(http-401|http-403|auth-required|auth-failure|forbidden-access)");
    }

    static String instanceName() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            host = "unknown-host";
        }
        return host + "/" + ProcessHandle.current().pid();
    }

    /** Graceful stop: no new work, in-flight finished or requeued, works closed, connections closed. */
    @Override
    public void close() {
        consumer.stop(config.get(IngesterSettings.SHUTDOWN_GRACE));
        timers.shutdownNow();
        circuit.close();
        works.closeAll();
        router.close();
        sink.close();
        try {
            if (pipeline.isOpen()) {
                pipeline.close(5_000);
            }
        } catch (Exception e) {
            log.debug("closing the pipeline connection failed", e);
        }
        log.info("ingester stopped");
    }
}
