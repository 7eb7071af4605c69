package io.emailintel.ingester;

import io.emailintel.cli.Cli;
import io.emailintel.ingester.consume.Sleeper;
import io.emailintel.retry.RetryPolicy;
import io.emailintel.topology.BrokerStartup;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Start-up that survives the broker being unreachable. amqp-client's automatic recovery covers a connection
 * that was established; a connection refused, reset or timed out while the ingester connects and declares the
 * pipeline (a broker restart, a network cut) would otherwise end the process. Such failures are retried with
 * back-off; anything else ({@link BrokerStartup}: a refused login or vhost, a TLS refusal, a configuration
 * error, OpenCTI refusing us) still stops it.
 */
final class StartupRetry {

    private static final Logger log = LoggerFactory.getLogger(StartupRetry.class);
    /** 2 s, 4 s, 8 s, … at most a minute. */
    static final RetryPolicy POLICY = RetryPolicy.exponential(Duration.ofSeconds(2), Duration.ofMinutes(1))
            .retryOn(BrokerStartup::isNetworkFailure);

    /** One start-up attempt. */
    interface Attempt<T> {
        T run() throws Exception;
    }

    private StartupRetry() {
    }

    /**
     * Runs {@code attempt} until it succeeds or fails for a reason other than the broker's network; returns
     * null when a stop was requested while waiting.
     */
    static <T> T untilBrokerReachable(Attempt<T> attempt, Sleeper sleeper, BooleanSupplier stopRequested)
            throws Exception {
        try {
            return POLICY.run(attempt::run, wait -> {
                if (stopRequested.getAsBoolean()) {
                    throw new StopRequested();
                }
                sleeper.sleep(wait);
                if (stopRequested.getAsBoolean()) {
                    throw new StopRequested();
                }
            }, (e, failures, wait) -> log.error("broker unreachable during start-up ({}); retrying in {}",
                    Cli.describe(e), wait));
        } catch (StopRequested e) {
            return null;
        }
    }

    /** Ends the waiting when a stop was requested. */
    private static final class StopRequested extends InterruptedException {
        private static final long serialVersionUID = 1L;
    }
}
