package io.emailintel.fetcher.imap;

import java.io.IOException;

/**
 * The server (or the token endpoint) refused the login: a wrong password, a revoked token, an app without
 * access. The message names the account and the server's reason, never the secret.
 */
public final class ImapLoginException extends IOException {

    public ImapLoginException(String message) {
        super(message);
    }
}
