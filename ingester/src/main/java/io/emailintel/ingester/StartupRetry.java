package io.emailintel.ingester;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.AuthenticationFailureException;
import com.rabbitmq.client.ShutdownSignalException;
import io.emailintel.cli.Cli;
import io.emailintel.ingester.consume.Sleeper;
import java.io.EOFException;
import java.io.InterruptedIOException;
import java.net.SocketException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Start-up that survives the broker being unreachable. amqp-client's automatic recovery covers a connection
 * that was established; a connection refused, reset or timed out while the ingester connects and declares the
 * pipeline (a broker restart, a network cut) would otherwise end the process. Such failures are retried with
 * back-off; anything else (a refused login, a configuration error, OpenCTI refusing us) still stops it.
 */
final class StartupRetry {

    private static final Logger log = LoggerFactory.getLogger(StartupRetry.class);
    static final Duration FIRST_WAIT = Duration.ofSeconds(2);
    static final Duration MAX_WAIT = Duration.ofMinutes(1);

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
        for (int failures = 1; ; failures++) {
            try {
                return attempt.run();
            } catch (Exception e) {
                if (!isBrokerNetworkFailure(e)) {
                    throw e;
                }
                Duration wait = backoff(failures);
                log.error("broker unreachable during start-up ({}); retrying in {}", Cli.describe(e), wait);
                if (stopRequested.getAsBoolean()) {
                    return null;
                }
                sleeper.sleep(wait);
                if (stopRequested.getAsBoolean()) {
                    return null;
                }
            }
        }
    }

    /** 2 s, 4 s, 8 s, … at most a minute. */
    static Duration backoff(int failures) {
        Duration d = FIRST_WAIT.multipliedBy(1L << Math.min(failures - 1, 10));
        return d.compareTo(MAX_WAIT) > 0 ? MAX_WAIT : d;
    }

    /**
     * A connection refused, reset, closed or timed out on the way to the broker, or closed by the broker
     * (e.g. shutting down), also when it happens during the login handshake; not a refused login and not a
     * channel error such as a queue declared with other arguments.
     */
    static boolean isBrokerNetworkFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            // the broker said ACCESS_REFUSED; its parent PossibleAuthenticationFailureException is also what
            // amqp-client throws for any connection reset during the handshake, which is network (below)
            if (t instanceof AuthenticationFailureException) {
                return false;
            }
        }
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SocketException || t instanceof EOFException || t instanceof InterruptedIOException
                    || t instanceof TimeoutException) {
                return true;
            }
            if (t instanceof ShutdownSignalException s && s.isHardError() && !s.isInitiatedByApplication()) {
                // ACCESS_REFUSED / NOT_ALLOWED (e.g. no access to the vhost) are configuration, not network
                return !(s.getReason() instanceof AMQP.Connection.Close c)
                        || (c.getReplyCode() != AMQP.ACCESS_REFUSED && c.getReplyCode() != AMQP.NOT_ALLOWED);
            }
        }
        return false;
    }
}
