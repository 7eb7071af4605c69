package io.emailintel.fetcher.imap;

import java.io.IOException;

/** What the fetcher logs in with: a password (LOGIN / AUTHENTICATE PLAIN) or an OAuth 2 access token (XOAUTH2). */
public sealed interface ImapLogin {

    /** The SASL mechanism, for logs and Angus Mail's {@code mail.imap.auth.mechanisms}. */
    String mechanism();

    /** What goes in the password slot of the login: the password itself, or a current access token. */
    String secret() throws IOException;

    /** A password, or an app password. */
    record Password(String password) implements ImapLogin {
        @Override
        public String mechanism() {
            return "password";
        }

        @Override
        public String secret() {
            return password;
        }

        @Override
        public String toString() {
            return "Password[****]";
        }
    }

    /**
     * XOAUTH2 (developers.google.com/workspace/gmail/imap/xoauth2-protocol,
     * learn.microsoft.com/exchange/client-developer/legacy-protocols/how-to-authenticate-an-imap-pop-smtp-application-by-using-oauth):
     * the client sends {@code user=<user>^Aauth=Bearer <token>^A^A}; Angus Mail builds that string from the user
     * and the token given as the password.
     */
    record OAuth(TokenSource tokens) implements ImapLogin {
        @Override
        public String mechanism() {
            return "XOAUTH2";
        }

        @Override
        public String secret() throws IOException {
            return tokens.token();
        }
    }

    /** Gives a current access token (cached until shortly before it expires). */
    interface TokenSource {
        String token() throws IOException;
    }
}
