package io.emailintel.topology;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.AlreadyClosedException;
import com.rabbitmq.client.AuthenticationFailureException;
import com.rabbitmq.client.PossibleAuthenticationFailureException;
import com.rabbitmq.client.ShutdownSignalException;
import com.rabbitmq.client.impl.AMQImpl;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import org.junit.jupiter.api.Test;

class BrokerStartupTest {

    @Test
    void theNetworkIsRetried() {
        assertThat(BrokerStartup.isNetworkFailure(new ConnectException("Connection refused"))).isTrue();
        assertThat(BrokerStartup.isNetworkFailure(new IOException(new SocketTimeoutException("connect timed out"))))
                .isTrue();
        assertThat(BrokerStartup.isNetworkFailure(new AlreadyClosedException(new ShutdownSignalException(true, false,
                null, null, "", new SocketException("Connection reset"))))).isTrue();
        // what amqp-client throws for a connection reset during the login handshake: network, not a refusal
        assertThat(BrokerStartup.isNetworkFailure(new PossibleAuthenticationFailureException(
                new AlreadyClosedException(new ShutdownSignalException(true, false, null, null, "",
                        new SocketException("Connection reset")))))).isTrue();
        ShutdownSignalException forced = new ShutdownSignalException(true, false,
                new AMQImpl.Connection.Close(AMQP.CONNECTION_FORCED, "broker shutting down", 0, 0), null);
        assertThat(BrokerStartup.isNetworkFailure(new IOException(forced))).isTrue();
    }

    @Test
    void aRefusedLoginOrVhostIsConfiguration() {
        AuthenticationFailureException login = new AuthenticationFailureException(
                "ACCESS_REFUSED - Login was refused using authentication mechanism PLAIN");
        assertThat(BrokerStartup.isNetworkFailure(login)).isFalse();
        assertThat(BrokerStartup.refusal(login)).contains(login.getMessage());
        ShutdownSignalException notAllowed = new ShutdownSignalException(true, false,
                new AMQImpl.Connection.Close(AMQP.NOT_ALLOWED, "NOT_ALLOWED - vhost x not found", 0, 0), null);
        assertThat(BrokerStartup.isNetworkFailure(new IOException(notAllowed))).isFalse();
        assertThat(BrokerStartup.refusal(new IOException(notAllowed))).contains("NOT_ALLOWED - vhost x not found");
        ShutdownSignalException noAccess = new ShutdownSignalException(true, false,
                new AMQImpl.Connection.Close(AMQP.ACCESS_REFUSED, "ACCESS_REFUSED - access to vhost 'x' refused", 0,
                        0), null);
        assertThat(BrokerStartup.isNetworkFailure(new IOException(noAccess))).isFalse();
        assertThat(BrokerStartup.isNetworkFailure(new BrokerAccessRefusedException("refused", null))).isFalse();
    }

    @Test
    void aTlsRefusalOrAChannelErrorIsNotRetried() {
        assertThat(BrokerStartup.isNetworkFailure(new BrokerTlsException("TLS connection to the broker refused")))
                .isFalse();
        IOException preconditionFailed = new IOException(new ShutdownSignalException(false, false,
                new AMQImpl.Channel.Close(AMQP.PRECONDITION_FAILED, "PRECONDITION_FAILED - inequivalent arg", 50, 10),
                null));
        assertThat(BrokerStartup.isNetworkFailure(preconditionFailed)).isFalse();
    }
}
