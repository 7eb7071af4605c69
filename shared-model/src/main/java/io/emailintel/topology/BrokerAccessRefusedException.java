package io.emailintel.topology;

import java.io.IOException;

/**
 * The broker refused our login or our virtual host: a wrong user or password, a user without access to the
 * vhost, or a vhost that does not exist. The message names the broker host, the user and the vhost (never the
 * password); retrying without changing the configuration will not help, so start-up stops with it.
 */
public final class BrokerAccessRefusedException extends IOException {

    private static final long serialVersionUID = 1L;

    public BrokerAccessRefusedException(String message, Throwable cause) {
        super(message, cause);
    }
}
