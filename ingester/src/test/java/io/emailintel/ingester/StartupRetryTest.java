package io.emailintel.ingester;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.AlreadyClosedException;
import com.rabbitmq.client.AuthenticationFailureException;
import com.rabbitmq.client.PossibleAuthenticationFailureException;
import com.rabbitmq.client.ShutdownSignalException;
import com.rabbitmq.client.impl.AMQImpl;
import io.emailintel.topology.BrokerStartup;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class StartupRetryTest {

    private final List<Duration> slept = new ArrayList<>();

    @Test
    void aConnectionCutDuringStartUpIsRetriedWithBackOffUntilTheStartSucceeds() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        String started = StartupRetry.untilBrokerReachable(() -> {
            switch (attempts.incrementAndGet()) {
                case 1 -> throw new ConnectException("Connection refused");
                case 2 -> throw new AlreadyClosedException(new ShutdownSignalException(true, false, null, null, "",
                        new SocketException("Connection reset")));
                case 3 -> throw new IOException(new SocketException("Broken pipe"));
                // what amqp-client throws when the connection is reset during the login handshake
                case 4 -> throw new PossibleAuthenticationFailureException(new AlreadyClosedException(
                        new ShutdownSignalException(true, false, null, null, "", new SocketException("Connection reset"))));
                default -> {
                    return "running";
                }
            }
        }, slept::add, () -> false);
        assertThat(started).isEqualTo("running");
        assertThat(slept).containsExactly(Duration.ofSeconds(2), Duration.ofSeconds(4), Duration.ofSeconds(8),
                Duration.ofSeconds(16));
    }

    @Test
    void aRefusedLoginOrAChannelErrorStopsTheStartUpAtOnce() {
        AuthenticationFailureException login = new AuthenticationFailureException("ACCESS_REFUSED");
        assertThatThrownBy(() -> StartupRetry.untilBrokerReachable(() -> {
            throw login;
        }, slept::add, () -> false)).isSameAs(login);
        IOException preconditionFailed = new IOException(new ShutdownSignalException(false, false,
                new AMQImpl.Channel.Close(AMQP.PRECONDITION_FAILED, "PRECONDITION_FAILED - inequivalent arg", 50, 10),
                null));
        assertThatThrownBy(() -> StartupRetry.untilBrokerReachable(() -> {
            throw preconditionFailed;
        }, slept::add, () -> false)).isSameAs(preconditionFailed);
        assertThat(slept).isEmpty();
    }

    @Test
    void aVhostRefusedByTheBrokerIsConfigurationNotNetwork() {
        ShutdownSignalException notAllowed = new ShutdownSignalException(true, false,
                new AMQImpl.Connection.Close(AMQP.NOT_ALLOWED, "vhost not found", 0, 0), null);
        assertThat(BrokerStartup.isNetworkFailure(new IOException(notAllowed))).isFalse();
        ShutdownSignalException forced = new ShutdownSignalException(true, false,
                new AMQImpl.Connection.Close(AMQP.CONNECTION_FORCED, "broker shutting down", 0, 0), null);
        assertThat(BrokerStartup.isNetworkFailure(new IOException(forced))).isTrue();
    }

    @Test
    void aStopRequestedWhileWaitingEndsTheStartUpWithoutAnIngester() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        Object started = StartupRetry.untilBrokerReachable(() -> {
            attempts.incrementAndGet();
            throw new ConnectException("Connection refused");
        }, d -> {
            slept.add(d);
        }, () -> slept.size() >= 2);
        assertThat(started).isNull();
        assertThat(attempts).hasValue(2);
    }

    @Test
    void backOffDoublesUpToAMinute() {
        assertThat(StartupRetry.POLICY.delayAfter(1)).isEqualTo(Duration.ofSeconds(2));
        assertThat(StartupRetry.POLICY.delayAfter(5)).isEqualTo(Duration.ofSeconds(32));
        assertThat(StartupRetry.POLICY.delayAfter(6)).isEqualTo(Duration.ofMinutes(1));
        assertThat(StartupRetry.POLICY.delayAfter(40)).isEqualTo(Duration.ofMinutes(1));
    }
}
