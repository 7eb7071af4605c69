package io.emailintel.fetcher.imap;

import io.emailintel.tls.TlsTrust;
import java.time.Duration;
import java.util.Objects;

/**
 * Where the mailbox is and how to log in.
 *
 * @param host     the server
 * @param port     its port
 * @param tls      implicit TLS (imaps, 993) or STARTTLS (143); there is no plain-text mode
 * @param user     the login name
 * @param login    a password or an OAuth token source (XOAUTH2)
 * @param folder   the folder path with {@code /} between levels ({@code INBOX} in any case is the inbox)
 * @param trust    the certificates the server's is verified against
 * @param timeout  connect and read timeout of each IMAP command
 */
public record ImapAccount(String host, int port, Tls tls, String user, ImapLogin login, String folder,
                          TlsTrust trust, Duration timeout) {

    /** How the connection is encrypted. */
    public enum Tls {
        IMPLICIT, STARTTLS;

        public static Tls of(String setting) {
            return "starttls".equals(setting) ? STARTTLS : IMPLICIT;
        }

        public int defaultPort() {
            return this == IMPLICIT ? 993 : 143;
        }
    }

    public ImapAccount {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(login, "login");
        Objects.requireNonNull(trust, "trust");
        folder = folder == null || folder.isBlank() ? "INBOX" : folder.strip();
        timeout = timeout == null ? Duration.ofSeconds(60) : timeout;
    }

    /** The mailbox as envelopes and the cursor name it: {@code user@host}, or the user when it is an address. */
    public String mailbox() {
        return user.contains("@") ? user : user + "@" + host;
    }

    /** For logs: never the secret. */
    @Override
    public String toString() {
        return user + " on " + host + ":" + port + " (" + tls.name().toLowerCase(java.util.Locale.ROOT) + ", "
                + login.mechanism() + "), folder " + folder;
    }
}
