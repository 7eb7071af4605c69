package io.emailintel.fetcher.imap;

import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.FetchProfile;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.UIDFolder;
import jakarta.mail.search.ComparisonTerm;
import jakarta.mail.search.ReceivedDateTerm;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.List;
import java.util.Properties;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.IMAPMessage;

/**
 * One read-only IMAP session on the configured folder, through Angus Mail's IMAP provider. Read-only means
 * (RFC 9051): the folder is opened with {@code EXAMINE} ({@link Folder#READ_ONLY}), under which the server keeps
 * flags as they are, and bodies are fetched as {@code BODY.PEEK[]} ({@code mail.imap.peek}), which does not set
 * {@code \Seen} even on a read-write session. Nothing is stored, copied, moved or expunged.
 */
final class ImapConnection implements AutoCloseable {

    /** A message in the folder, before its body is fetched. */
    record Listed(long uid, Instant internalDate, Message message) {
    }

    /** A message's complete source as the server stores it. */
    record Raw(long uid, Instant internalDate, byte[] bytes) {
    }

    private final Store store;
    private final IMAPFolder folder;

    private ImapConnection(Store store, IMAPFolder folder) {
        this.store = store;
        this.folder = folder;
    }

    /**
     * Connects, logs in and opens the folder read-only.
     *
     * @throws ImapLoginException when the server refuses the login
     * @throws ImapFolderNotFoundException when the folder does not exist (unchecked: nothing a retry can fix)
     * @throws IOException when the server cannot be reached or the TLS handshake fails
     */
    static ImapConnection open(ImapAccount account) throws IOException {
        String protocol = account.tls() == ImapAccount.Tls.IMPLICIT ? "imaps" : "imap";
        Session session = Session.getInstance(properties(account, protocol));
        Store store;
        try {
            store = session.getStore(protocol);
            store.connect(account.host(), account.port(), account.user(), account.login().secret());
        } catch (AuthenticationFailedException e) {
            if (String.valueOf(e.getMessage()).contains("[UNAVAILABLE]")) {
                // RFC 5530 §3: the server's authentication back end is down, not the credential wrong
                throw new IOException("the IMAP server " + account.host() + ":" + account.port()
                        + " cannot check logins right now: " + e.getMessage().strip(), e);
            }
            throw new ImapLoginException("the IMAP server " + account.host() + ":" + account.port()
                    + " refused the login of " + account.user() + " (" + account.login().mechanism() + "): "
                    + (e.getMessage() == null ? "authentication failed" : e.getMessage().strip()));
        } catch (MessagingException e) {
            throw new IOException("cannot connect to the IMAP server " + account.host() + ":" + account.port() + ": "
                    + describe(e), e);
        }
        try {
            IMAPFolder folder = (IMAPFolder) resolve(store, account.folder());
            folder.open(Folder.READ_ONLY);
            return new ImapConnection(store, folder);
        } catch (ImapFolderNotFoundException e) {
            closeQuietly(store);
            throw e;
        } catch (MessagingException | RuntimeException e) {
            closeQuietly(store);
            throw new IOException("cannot open folder '" + account.folder() + "': " + describe(e), e);
        }
    }

    static Properties properties(ImapAccount account, String protocol) {
        Properties p = new Properties();
        String prefix = "mail." + protocol + ".";
        long timeout = account.timeout().toMillis();
        p.setProperty(prefix + "connectiontimeout", Long.toString(timeout));
        p.setProperty(prefix + "timeout", Long.toString(timeout));
        p.setProperty(prefix + "writetimeout", Long.toString(timeout));
        // BODY.PEEK[] instead of BODY[]: reading never sets \\Seen (Angus Mail's IMAP provider documentation)
        p.setProperty(prefix + "peek", "true");
        // one FETCH per message rather than 16 KiB pieces: the whole source is needed anyway
        p.setProperty(prefix + "partialfetch", "false");
        // TLS verified against our trust (the JVM's plus TLS_CA_FILE), host name checked (RFC 6125)
        p.put(prefix + "ssl.socketFactory", account.trust().sslContext().getSocketFactory());
        p.setProperty(prefix + "ssl.checkserveridentity", "true");
        if (account.tls() == ImapAccount.Tls.STARTTLS) {
            p.setProperty(prefix + "starttls.enable", "true");
            p.setProperty(prefix + "starttls.required", "true");
        }
        if (account.login() instanceof ImapLogin.OAuth) {
            // Angus Mail offers XOAUTH2 only when asked for; the token goes where the password would
            p.setProperty(prefix + "auth.mechanisms", "XOAUTH2");
        }
        return p;
    }

    /** INBOX in any case, else a path with '/' between levels, resolved with the server's own separator. */
    private static Folder resolve(Store store, String path) throws MessagingException {
        if (path.equalsIgnoreCase("INBOX")) {
            return store.getFolder("INBOX");
        }
        char separator = store.getDefaultFolder().getSeparator();
        String name = separator == '/' ? path : path.replace('/', separator);
        Folder folder = store.getFolder(name);
        if (!folder.exists()) {
            List<String> names = new ArrayList<>();
            for (Folder f : store.getDefaultFolder().list("*")) {
                names.add(f.getFullName().replace(separator, '/'));
            }
            names.sort(Comparator.naturalOrder());
            throw new ImapFolderNotFoundException("IMAP folder '" + path + "' not found; folders there: "
                    + String.join(", ", names));
        }
        return folder;
    }

    long uidValidity() throws MessagingException {
        return folder.getUIDValidity();
    }

    /** The UID the next message to arrive will get (RFC 9051 §2.3.1.1); every existing UID is below it. */
    long uidNext() throws MessagingException {
        return folder.getUIDNext();
    }

    /** Messages with a UID above {@code uid}, oldest UID first ({@code UID FETCH n:*} answers the last one always). */
    List<Listed> after(long uid) throws MessagingException {
        return listed(folder.getMessagesByUID(uid + 1, UIDFolder.MAXUID), uid, null);
    }

    /**
     * Messages with a UID above {@code uid} that arrived ({@code INTERNALDATE}) at or after {@code since}, oldest
     * UID first. IMAP's {@code SEARCH SINCE} compares dates only, in the server's time zone, so it asks from a day
     * earlier and the exact instant is checked here.
     */
    List<Listed> arrivedSince(Instant since, long uid) throws MessagingException {
        Message[] found = folder.search(new ReceivedDateTerm(ComparisonTerm.GE,
                Date.from(since.minus(Duration.ofDays(1)))));
        return listed(found, uid, since);
    }

    private List<Listed> listed(Message[] messages, long above, Instant since) throws MessagingException {
        FetchProfile profile = new FetchProfile();
        profile.add(UIDFolder.FetchProfileItem.UID);
        profile.add(IMAPFolder.FetchProfileItem.INTERNALDATE);
        folder.fetch(messages, profile);
        List<Listed> out = new ArrayList<>(messages.length);
        for (Message m : messages) {
            long uid = folder.getUID(m);
            Date received = m.getReceivedDate();
            Instant at = received == null ? null : received.toInstant();
            if (uid > above && (since == null || at == null || !at.isBefore(since))) {
                out.add(new Listed(uid, at, m));
            }
        }
        out.sort(Comparator.comparingLong(Listed::uid));
        return out;
    }

    /** The complete message source ({@code BODY.PEEK[]}). */
    Raw fetch(Listed listed) throws MessagingException, IOException {
        IMAPMessage message = (IMAPMessage) listed.message();
        message.setPeek(true);
        ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
        message.writeTo(out);
        // drop what Angus cached of this message (headers, envelope): a mailbox of 100,000 must not fill the heap
        message.invalidateHeaders();
        return new Raw(listed.uid(), listed.internalDate(), out.toByteArray());
    }

    @Override
    public void close() {
        try {
            if (folder.isOpen()) {
                folder.close(false); // false: never expunge
            }
        } catch (MessagingException | RuntimeException e) {
            // the connection may already be gone
        }
        closeQuietly(store);
    }

    private static void closeQuietly(Store store) {
        try {
            store.close();
        } catch (MessagingException | RuntimeException e) {
            // nothing to save
        }
    }

    /** The causes' messages in one line (Jakarta Mail chains the socket or TLS error as the next exception). */
    static String describe(Exception e) {
        StringBuilder s = new StringBuilder();
        for (Throwable t = e; t != null && s.length() < 400; t = t.getCause() == t ? null : t.getCause()) {
            String m = t.getMessage();
            String text = m == null || m.isBlank() ? t.getClass().getSimpleName() : m.strip();
            if (s.indexOf(text) < 0) {
                s.append(s.isEmpty() ? "" : ": ").append(text);
            }
        }
        return s.toString();
    }
}
