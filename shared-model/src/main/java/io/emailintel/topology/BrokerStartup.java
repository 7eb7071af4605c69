package io.emailintel.topology;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.AuthenticationFailureException;
import com.rabbitmq.client.ShutdownSignalException;
import java.io.EOFException;
import java.io.InterruptedIOException;
import java.net.SocketException;
import java.util.Optional;
import java.util.concurrent.TimeoutException;

/**
 * How both processes judge a failure while they connect to the broker and declare the pipeline: the network
 * (refused, reset, closed, timed out, the broker shutting down) is retried, since the broker may be restarting;
 * a refused login or vhost, a TLS refusal or a channel error (a queue declared with other arguments) is
 * configuration and stops the process with its message.
 */
public final class BrokerStartup {

    private BrokerStartup() {
    }

    /**
     * A connection refused, reset, closed or timed out on the way to the broker, or closed by the broker (e.g.
     * shutting down), also when it happens during the login handshake; not a refused login or vhost, not a TLS
     * refusal and not a channel error.
     */
    public static boolean isNetworkFailure(Throwable e) {
        if (refusal(e).isPresent()) {
            return false;
        }
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof BrokerTlsException || t instanceof BrokerAccessRefusedException) {
                return false;
            }
        }
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SocketException || t instanceof EOFException || t instanceof InterruptedIOException
                    || t instanceof TimeoutException) {
                return true;
            }
            if (t instanceof ShutdownSignalException s && s.isHardError() && !s.isInitiatedByApplication()) {
                return true; // connection-level close that is not a refusal (checked above): CONNECTION_FORCED, …
            }
        }
        return false;
    }

    /**
     * The broker's words when it refused the login (ACCESS_REFUSED during the handshake) or the vhost
     * (ACCESS_REFUSED or NOT_ALLOWED closing the connection at {@code connection.open}); empty otherwise.
     * amqp-client's {@code PossibleAuthenticationFailureException} alone is not a refusal: it is also what a
     * connection reset during the handshake gives, which is network.
     */
    static Optional<String> refusal(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof AuthenticationFailureException a) {
                return Optional.of(a.getMessage() == null ? "ACCESS_REFUSED" : a.getMessage());
            }
            if (t instanceof ShutdownSignalException s && s.isHardError()
                    && s.getReason() instanceof AMQP.Connection.Close c
                    && (c.getReplyCode() == AMQP.ACCESS_REFUSED || c.getReplyCode() == AMQP.NOT_ALLOWED)) {
                return Optional.of(c.getReplyText());
            }
        }
        return Optional.empty();
    }
}
