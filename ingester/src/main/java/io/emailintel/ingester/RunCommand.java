package io.emailintel.ingester;

import io.emailintel.cli.ConfigOptions;
import io.emailintel.cli.ExitCodes;
import io.emailintel.cli.Logging;
import io.emailintel.config.CommonSettings;
import io.emailintel.config.Config;
import io.emailintel.ingester.consume.Sleeper;
import io.emailintel.ops.Health;
import io.emailintel.ops.OpsServer;
import io.micrometer.core.instrument.Meter;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.emailintel.config.ValueTypes;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import sun.misc.Signal;

/** {@code run}: validate the configuration, declare the pipeline, register with OpenCTI, consume until SIGTERM. */
@Command(name = "run", mixinStandardHelpOptions = true, description = "Consume envelopes and send reports to OpenCTI (the default command).")
final class RunCommand implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(RunCommand.class);

    @Mixin
    ConfigOptions options;

    @Option(names = "--exit-when-idle", paramLabel = "DURATION",
            description = "Exit 0 once the work queue and retry tiers have been empty, with nothing in flight, "
                    + "for this long (ISO-8601, e.g. PT3S): for batch runs and the demo.")
    String exitWhenIdle;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Duration idleLimit = exitWhenIdle == null ? null : parseIdle();
        Config config = options.load(IngesterSettings.schema());
        Logging.configure(config);
        CountDownLatch stop = new CountDownLatch(1);
        // Handling TERM and INT ourselves (instead of a shutdown hook) lets the graceful stop end with exit 0.
        for (String name : new String[] {"TERM", "INT"}) {
            Signal.handle(new Signal(name), s -> {
                log.info("SIG{} received: stopping", name);
                stop.countDown();
            });
        }
        Sleeper interruptible = d -> {
            if (stop.await(d.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new InterruptedException("stop requested");
            }
        };
        Integer opsPort = config.get(CommonSettings.OPS_PORT);
        PrometheusMeterRegistry registry = OpsServer.newRegistry("ingester");
        Health health = new Health();
        try (OpsServer ops = opsPort == null ? null : OpsServer.start(opsPort, registry, health)) {
            if (ops != null) {
                log.info("operations endpoint on port {}", ops.port());
            }
            Ingester ingester;
            try {
                ingester = StartupRetry.untilBrokerReachable(() -> {
                    Set<Meter.Id> before = new HashSet<>();
                    registry.getMeters().forEach(m -> before.add(m.getId()));
                    try {
                        return Ingester.start(config, Clock.systemUTC(), interruptible, () -> stop.getCount() == 0,
                                registry, health);
                    } catch (Exception e) {
                        // the next attempt registers its own meters (e.g. the circuit state of its own circuit)
                        registry.getMeters().stream().filter(m -> !before.contains(m.getId())).toList()
                                .forEach(registry::remove);
                        throw e;
                    }
                }, interruptible, () -> stop.getCount() == 0);
            } catch (InterruptedException e) {
                return ExitCodes.OK;
            }
            if (ingester == null) {
                return ExitCodes.OK;
            }
            try (ingester) {
                if (idleLimit == null) {
                    stop.await();
                } else {
                    waitUntilIdle(ingester, idleLimit, stop);
                }
            }
        }
        return ExitCodes.OK;
    }

    private Duration parseIdle() {
        try {
            return ValueTypes.DURATION.parse(exitWhenIdle);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--exit-when-idle: " + e.getMessage());
        }
    }

    private static void waitUntilIdle(Ingester ingester, Duration limit, CountDownLatch stop)
            throws InterruptedException {
        long idleSince = -1;
        while (!stop.await(200, TimeUnit.MILLISECONDS)) {
            if (!ingester.idle()) {
                idleSince = -1;
            } else if (idleSince < 0) {
                idleSince = System.nanoTime();
            } else if (System.nanoTime() - idleSince >= limit.toNanos()) {
                log.info("idle for {}: exiting", limit);
                return;
            }
        }
    }
}
