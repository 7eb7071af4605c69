package io.emailintel.ingester;

import com.rabbitmq.client.Connection;
import io.emailintel.config.CommonSettings;
import io.emailintel.config.Config;
import io.emailintel.ingester.consume.ConsumerGate;
import io.emailintel.ingester.consume.EnvelopeConsumer;
import io.emailintel.ingester.consume.EnvelopeProcessor;
import io.emailintel.ingester.consume.FailureRouter;
import io.emailintel.ingester.consume.IngestMetrics;
import io.emailintel.ingester.consume.Later;
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
import io.emailintel.ingester.opencti.PendingFileSink;
import io.emailintel.ingester.opencti.PushPublisher;
import io.emailintel.ingester.opencti.Registration;
import io.emailintel.ingester.opencti.Works;
import io.emailintel.ingester.attachments.AttachmentExpander;
import io.emailintel.ingester.attachments.ExpansionSettings;
import io.emailintel.ingester.stix.ReportBuilder;
import io.emailintel.ingester.stix.ReportOptions;
import io.emailintel.ingester.stix.Tlp;
import io.emailintel.ingester.triage.TlpPolicy;
import io.emailintel.ingester.triage.Triage;
import io.emailintel.triage.TriageSettings;
import io.emailintel.model.EnvelopeCodec;
import io.emailintel.ops.Health;
import io.emailintel.retry.RetryPolicy;
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
        if (consumer.unsettled() > 0) {
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
            return consumer.unsettled() == 0;
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
            connectorId = config.get(IngesterSettings.CONNECTOR_ID);
            warnUnlessUuid(connectorId);
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
            ReportOptions options = reportOptions(config);
            EnvelopeProcessor processor = new EnvelopeProcessor(new EnvelopeCodec(),
                    new ReportBuilder(options, clock, new AttachmentExpander(expansionSettings(config)),
                            IngesterSettings.extractor(config)),
                    triage(config, options), works, sink, circuit, sleeper, Later.SYSTEM,
                    config.get(IngesterSettings.QUICK_RETRIES),
                    config.get(IngesterSettings.QUICK_RETRY_BACKOFF));
            FailureRouter router = new FailureRouter(pipeline, topology, config.get(CommonSettings.MAX_ATTEMPTS),
                    clock, instance, timeout);
            Integer prefetch = config.get(IngesterSettings.PREFETCH);
            if (prefetch == null) {
                prefetch = EnvelopeConsumer.defaultPrefetch(Runtime.getRuntime());
                log.info("INGESTER_PREFETCH not set: {} for a maximum heap of {} MiB", prefetch,
                        Runtime.getRuntime().maxMemory() / (1024 * 1024));
            }
            EnvelopeConsumer consumer = new EnvelopeConsumer(pipeline, topology, prefetch,
                    config.get(IngesterSettings.CONCURRENCY), processor, router, works, gate, metrics, health);
            ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "ingester-timers");
                t.setDaemon(true);
                return t;
            });
            started.push(timers::shutdownNow);
            if (client != null) {
                Heartbeat heartbeat = new Heartbeat(client, connectorId, registration.connectorState(),
                        config.get(IngesterSettings.QUEUE_THRESHOLD), over -> gate.set(ConsumerGate.OPENCTI_OVERLOADED,
                        over));
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

    /** The triage rules and TLP policy over the configured defaults. */
    static Triage triage(Config config, ReportOptions options) {
        String minimum = config.get(IngesterSettings.TLP_MINIMUM);
        Triage triage = new Triage(TriageSettings.rules(config), options,
                TlpPolicy.fromSetting(config.get(IngesterSettings.TLP_MARKERS)),
                minimum == null ? null : Tlp.fromSetting(minimum));
        if (!triage.rules().isEmpty()) {
            log.info("triage rules: {}", String.join(", ", triage.rules().names()));
        }
        return triage;
    }

    /** The configured report defaults. */
    static ReportOptions reportOptions(Config config) {
        return new ReportOptions(Tlp.fromSetting(config.get(IngesterSettings.TLP_LEVEL)),
                config.get(IngesterSettings.REPORT_TYPES), config.get(IngesterSettings.AUTHOR_NAME),
                config.get(IngesterSettings.NO_TRIGGER_IMPORT), config.get(IngesterSettings.MESSAGE_ID_REFERENCE));
    }

    /** Issue 21: what the report builder opens (nothing unless INGESTER_EXPAND_ATTACHMENTS). */
    static ExpansionSettings expansionSettings(Config config) {
        return new ExpansionSettings(config.get(IngesterSettings.EXPAND_ATTACHMENTS),
                config.get(IngesterSettings.ARCHIVE_PASSWORDS), config.get(IngesterSettings.EXPAND_MIME_TYPES),
                config.get(IngesterSettings.EXPAND_MAX_DEPTH), config.get(IngesterSettings.EXPAND_MAX_MEMBERS),
                config.get(IngesterSettings.EXPAND_MAX_BYTES), config.get(IngesterSettings.EXPAND_MAX_RATIO),
                ExpansionSettings.DEFAULT_MAX_MEMORY_KIB);
    }

    private static BundleSink sink(Config config, IngesterOutput output, OpenCtiClient client,
                                   Registration registration, String connectorId, Duration timeout, String instance)
            throws Exception {
        if (!output.isOpenCti()) {
            return new DirectoryBundleSink(output.directory());
        }
        if (config.get(IngesterSettings.VALIDATE_BEFORE_IMPORT)) {
            log.info("CONNECTOR_VALIDATE_BEFORE_IMPORT=true: every report goes to analyst review as a pending file "
                    + "(an analyst workbench in OpenCTI), nothing is imported until an analyst does");
            return new PendingFileSink(client, Tlp.fromSetting(config.get(IngesterSettings.TLP_LEVEL)).markingId());
        }
        return "api".equals(config.get(IngesterSettings.QUEUE_PROTOCOL))
                ? new ApiBundleSink(client, connectorId)
                : PushPublisher.connect(registration, CommonSettings.tlsTrust(config), pushTls(config, registration),
                        timeout, "email-intel-ingester push " + instance);
    }

    /**
     * Registers, waiting while OpenCTI is unreachable ({@link #openCtiNotReady}); at start-up a refused token
     * or an untrusted certificate is a configuration error: it is thrown instead of waiting forever.
     *
     * @return null when a stop was requested while waiting
     */
    private static Registration register(Config config, OpenCtiClient client, String connectorId, Sleeper sleeper,
                                         BooleanSupplier stopRequested) throws Exception {
        RetryPolicy policy = RetryPolicy.fixed(config.get(IngesterSettings.CIRCUIT_PROBE_INTERVAL))
                .retryOn(Ingester::openCtiNotReady);
        try {
            return policy.run(() -> {
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
            }, wait -> {
                if (stopRequested.getAsBoolean()) {
                    throw new InterruptedException("stop requested");
                }
                sleeper.sleep(wait);
                if (stopRequested.getAsBoolean()) {
                    throw new InterruptedException("stop requested");
                }
            }, (e, failures, wait) -> log.warn("OpenCTI not available yet ({}); retrying", e.getMessage()));
        } catch (InterruptedException e) {
            if (stopRequested.getAsBoolean()) {
                return null;
            }
            throw e;
        }
    }

    /** A transient OpenCTI failure that is neither a refused token nor a TLS refusal. */
    private static boolean openCtiNotReady(Throwable e) {
        return e instanceof OpenCtiException o && o.isTransient() && !isAuthFailure(o)
                && !"opencti-tls".equals(o.reason());
    }

    /** pycti's MQ_USE_SSL_* for the platform's broker, with the warnings an operator needs. */
    private static javax.net.ssl.SSLContext pushTls(Config config, Registration registration) {
        boolean tls = registration.broker().useSsl();
        if (!tls && (config.get(IngesterSettings.MQ_USE_SSL_CERT) != null
                || config.get(IngesterSettings.MQ_USE_SSL_CA) != null)) {
            log.warn("MQ_USE_SSL_CA/MQ_USE_SSL_CERT are set but the connection to OpenCTI's broker {} does not use "
                    + "TLS (MQ_USE_SSL): they are not used", registration.broker());
        }
        if (tls && !config.get(IngesterSettings.MQ_USE_SSL_REJECT_UNAUTHORIZED)) {
            log.warn("MQ_USE_SSL_REJECT_UNAUTHORIZED=false: the certificate and host name of OpenCTI's broker {} are "
                    + "NOT verified; anyone on the network path can pose as it and read every report. Trust its CA "
                    + "with MQ_USE_SSL_CA or TLS_CA_FILE instead.", registration.broker());
        }
        return tls ? IngesterSettings.pushBrokerTls(config) : null;
    }

    /** pycti passes CONNECTOR_ID verbatim; OpenCTI's own connectors use UUIDs, so say when it is not one. */
    static boolean warnUnlessUuid(String connectorId) {
        if (connectorId.matches("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")) {
            return false;
        }
        log.warn("CONNECTOR_ID '{}' is not a UUID: it is registered with OpenCTI as it is, as pycti does (keep it if "
                + "a Python connector was registered under it; a new connector should use a UUIDv4)", connectorId);
        return true;
    }

    static boolean isAuthFailure(OpenCtiException e) {
        return e.isAuthFailure();
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
