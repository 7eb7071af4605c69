package io.emailintel.topology;

import java.io.IOException;

/**
 * A broker connection refused at the TLS handshake: the certificate is not trusted, names another host or
 * has expired. The message names the broker and the reason; retrying without changing the trust will not help.
 */
public final class BrokerTlsException extends IOException {

    private static final long serialVersionUID = 1L;

    public BrokerTlsException(String message) {
        super(message);
    }
}
