package io.emailintel.fetcher.imap;

import com.sun.net.httpserver.HttpServer;
import io.emailintel.testing.TestCa;
import io.emailintel.tls.TlsTrust;
import jakarta.mail.FetchProfile;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.UIDFolder;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A real Dovecot (Debian's {@code dovecot-imapd}, 2.3) for one test class, started as RabbitMQ is for the broker
 * tests: its own configuration file, base directory and state under a temporary directory (the machine's own
 * {@code /etc/dovecot} instance, if any, is not touched), IMAP with STARTTLS and IMAPS on free ports of 127.0.0.1,
 * a certificate from {@link TestCa}, one passwd-file user, and a Maildir the test fills itself
 * ({@link #deliver}). For XOAUTH2 Dovecot's {@code oauth2} passdb asks a token introspection endpoint (RFC 7662,
 * doc.dovecot.org/2.3/configuration_manual/authentication/oauth2/) served here: it accepts {@link #ACTIVE_TOKENS}.
 *
 * <p>Dovecot refuses mail access as uid 0 ("userdb returned 0 as uid"), so as root the mail belongs to the
 * package's {@code dovecot} user and the login processes run as {@code dovenull}; as another user everything runs
 * as that user.
 */
final class Dovecot implements AutoCloseable {

    static final String USER = "cti";
    static final String PASSWORD = "s3cret-imap-password";
    static final String ACCESS_TOKEN = "ya29.test-access-token";
    /** What the introspection endpoint calls active: ours, and the one the fake Entra ID hands out. */
    static final java.util.Set<String> ACTIVE_TOKENS = java.util.Set.of(ACCESS_TOKEN,
            io.emailintel.fetcher.fake.FakeGraph.TOKEN);

    private final Path dir;
    private final Path maildir;
    private final TestCa ca;
    private final int imapPort;
    private final int imapsPort;
    private final HttpServer introspection;
    private final AtomicInteger introspected = new AtomicInteger();
    private final String mailOwner;
    private final Process process;
    private final AtomicInteger delivered = new AtomicInteger();

    private Dovecot(Path dir) throws IOException, InterruptedException {
        this.dir = dir;
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        // Dovecot's auth and mail processes run as other users: they must reach the directory (a test's temporary
        // directory is rwx------)
        for (Path up = dir.toAbsolutePath().getParent(); up != null && up.getParent() != null; up = up.getParent()) {
            java.util.Set<java.nio.file.attribute.PosixFilePermission> perms = Files.getPosixFilePermissions(up);
            if (!perms.contains(java.nio.file.attribute.PosixFilePermission.OTHERS_EXECUTE) && Files.isWritable(up)) {
                perms.add(java.nio.file.attribute.PosixFilePermission.OTHERS_EXECUTE);
                Files.setPosixFilePermissions(up, perms);
            }
        }
        this.ca = TestCa.create(dir.resolve("ca"));
        Path chain = ca.writeServerPem();
        this.maildir = dir.resolve("mail").resolve(USER);
        for (String sub : List.of("cur", "new", "tmp")) {
            Files.createDirectories(maildir.resolve(sub));
        }
        boolean root = "root".equals(System.getProperty("user.name"));
        this.mailOwner = root ? "dovecot" : System.getProperty("user.name");
        this.imapPort = freePort();
        this.imapsPort = freePort();
        this.introspection = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        introspection.createContext("/introspect", exchange -> {
            // RFC 7662 §2.1: POST token=<token>, form-encoded; §2.2: {"active": true, ...} or {"active": false}
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            introspected.incrementAndGet();
            String token = "";
            for (String pair : body.split("&")) {
                if (pair.startsWith("token=")) {
                    token = URLDecoder.decode(pair.substring(6), StandardCharsets.UTF_8);
                }
            }
            byte[] answer = (ACTIVE_TOKENS.contains(token) ? "{\"active\":true,\"username\":\"" + USER + "\"}"
                    : "{\"active\":false}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        introspection.start();
        Files.writeString(dir.resolve("users"), USER + ":{PLAIN}" + PASSWORD + "::::::\n");
        Files.writeString(dir.resolve("oauth2.conf.ext"), String.join("\n",
                "introspection_url = http://127.0.0.1:" + introspection.getAddress().getPort() + "/introspect",
                "introspection_mode = post",
                "username_attribute = username",
                "active_attribute = active",
                "active_value = true",
                ""));
        Path conf = dir.resolve("dovecot.conf");
        Files.writeString(conf, config(chain, root));
        chown(maildir.getParent());
        this.process = new ProcessBuilder(Files.isExecutable(Path.of("/usr/sbin/dovecot")) ? "/usr/sbin/dovecot" : "dovecot", "-F", "-c", conf.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("dovecot.out").toFile()).start();
        waitForPort(imapsPort);
        waitForPort(imapPort);
    }

    /** Starts Dovecot in {@code dir}; fails with a hint when it is not installed. */
    static Dovecot start(Path dir) throws IOException, InterruptedException {
        if (!Files.isExecutable(Path.of("/usr/sbin/dovecot")) && !onPath("dovecot")) {
            throw new IllegalStateException("Dovecot is not installed: apt-get install dovecot-imapd (.ci/run does)");
        }
        return new Dovecot(dir);
    }

    private String config(Path chain, boolean root) {
        String internal = root ? "dovecot" : mailOwner;
        String login = root ? "dovenull" : mailOwner;
        return String.join("\n",
                "instance_name = emailintel-test-" + imapsPort,
                "base_dir = " + dir.resolve("run"),
                "state_dir = " + dir.resolve("state"),
                "log_path = " + dir.resolve("dovecot.log"),
                "protocols = imap",
                "listen = 127.0.0.1",
                "ssl = required",
                "ssl_cert = <" + chain,
                "ssl_key = <" + dir.resolve("ca").resolve("server-key.pem"),
                "disable_plaintext_auth = yes",
                "auth_mechanisms = plain login xoauth2",
                "auth_failure_delay = 0",
                "default_internal_user = " + internal,
                "default_login_user = " + login,
                // the package's dovecot user is a system user (uid 110 here), below the default of 500
                "first_valid_uid = 1",
                "mail_location = maildir:" + dir.resolve("mail") + "/%u",
                "service imap-login {",
                "  inet_listener imap {",
                "    port = " + imapPort,
                "  }",
                "  inet_listener imaps {",
                "    port = " + imapsPort,
                "    ssl = yes",
                "  }",
                "}",
                "service stats {",
                "  unix_listener stats-reader {",
                "    mode = 0666",
                "  }",
                "  unix_listener stats-writer {",
                "    mode = 0666",
                "  }",
                "}",
                "passdb {",
                "  driver = oauth2",
                "  mechanisms = xoauth2",
                "  args = " + dir.resolve("oauth2.conf.ext"),
                "}",
                "passdb {",
                "  driver = passwd-file",
                "  mechanisms = plain login",
                "  args = scheme=PLAIN username_format=%u " + dir.resolve("users"),
                "}",
                "userdb {",
                "  driver = static",
                "  args = uid=" + mailOwner + " gid=" + mailOwner + " home=" + dir.resolve("mail") + "/%u",
                "}",
                "");
    }

    int imapPort() {
        return imapPort;
    }

    int imapsPort() {
        return imapsPort;
    }

    Path caPem() {
        return ca.caPem();
    }

    TlsTrust trust() {
        return TlsTrust.withCaFile(ca.caPem());
    }

    /** How many tokens the oauth2 passdb asked about. */
    int introspections() {
        return introspected.get();
    }

    /** An account on this server's folder with the right password, over implicit TLS. */
    ImapAccount account(String folder) {
        return account(folder, ImapAccount.Tls.IMPLICIT, imapsPort, new ImapLogin.Password(PASSWORD));
    }

    ImapAccount account(String folder, ImapAccount.Tls tls, int port, ImapLogin login) {
        return new ImapAccount("127.0.0.1", port, tls, USER, login, folder, trust(), Duration.ofSeconds(10));
    }

    /** The Maildir++ directory of a folder: the root for INBOX, {@code .name} for the others. */
    private Path folderDir(String folder) throws IOException {
        Path d = folder.equalsIgnoreCase("INBOX") ? maildir : maildir.resolve("." + folder.replace('/', '.'));
        if (!Files.isDirectory(d.resolve("new"))) {
            for (String sub : List.of("cur", "new", "tmp")) {
                Files.createDirectories(d.resolve(sub));
            }
            chown(d);
        }
        return d;
    }

    /**
     * Delivers a message into the Maildir's {@code new/} as a local delivery agent does (write in {@code tmp/},
     * rename); Dovecot takes the file's modification time as its INTERNALDATE (doc.dovecot.org, Maildir format).
     */
    void deliver(String folder, String message, Instant arrived) throws IOException {
        deliver(folder, message, arrived, false);
    }

    /** As above; {@code seen} files it in {@code cur/} with the {@code S} flag (":2,S"), as a read message. */
    void deliver(String folder, String message, Instant arrived, boolean seen) throws IOException {
        Path d = folderDir(folder);
        String name = arrived.getEpochSecond() + ".M" + delivered.incrementAndGet() + "P1.emailintel-test";
        Path tmp = d.resolve("tmp").resolve(name);
        Files.writeString(tmp, message.replace("\r\n", "\n").replace("\n", "\r\n"), StandardCharsets.UTF_8);
        Files.setLastModifiedTime(tmp, FileTime.from(arrived));
        chown(tmp);
        Files.move(tmp, seen ? d.resolve("cur").resolve(name + ":2,S") : d.resolve("new").resolve(name));
    }

    /** A small message with this Message-ID and subject. */
    static String message(String messageId, String subject) {
        return "From: Vendor <advisories@vendor.example>\nTo: cti@example.org\nSubject: " + subject
                + "\nMessage-ID: <" + messageId + ">\nDate: Tue, 01 Dec 2026 10:00:00 +0000\n"
                + "MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\nIndicators for " + subject + ".\n";
    }

    /**
     * Gives the folder a new UIDVALIDITY, as a recreated or restored mailbox has: Dovecot keeps it in the header
     * of {@code dovecot-uidlist} ({@code V<uidvalidity>}) and caches it in the index files, which are removed so it
     * reads the list again (doc.dovecot.org, Maildir: dovecot-uidlist).
     */
    long changeUidValidity(String folder) throws IOException {
        Path d = folderDir(folder);
        Path uidlist = d.resolve("dovecot-uidlist");
        List<String> lines = new ArrayList<>(Files.readAllLines(uidlist));
        String[] header = lines.get(0).split(" ");
        long validity = 0;
        for (int i = 0; i < header.length; i++) {
            if (header[i].startsWith("V")) {
                validity = Long.parseLong(header[i].substring(1)) + 1000;
                header[i] = "V" + validity;
            }
        }
        lines.set(0, String.join(" ", header));
        Files.write(uidlist, lines);
        try (Stream<Path> files = Files.list(d)) {
            for (Path f : files.filter(f -> f.getFileName().toString().startsWith("dovecot.index")).toList()) {
                Files.delete(f);
            }
        }
        return validity;
    }

    /** Every message's flags by UID, read over IMAP (EXAMINE, so reading them changes nothing). */
    Map<Long, Flags> flags(String folder) throws Exception {
        Properties p = new Properties();
        p.put("mail.imaps.ssl.socketFactory", trust().sslContext().getSocketFactory());
        Store store = Session.getInstance(p).getStore("imaps");
        store.connect("127.0.0.1", imapsPort, USER, PASSWORD);
        try {
            Folder inbox = store.getFolder(folder);
            inbox.open(Folder.READ_ONLY);
            Message[] all = inbox.getMessages();
            FetchProfile fp = new FetchProfile();
            fp.add(FetchProfile.Item.FLAGS);
            fp.add(UIDFolder.FetchProfileItem.UID);
            inbox.fetch(all, fp);
            Map<Long, Flags> out = new LinkedHashMap<>();
            for (Message m : all) {
                out.put(((UIDFolder) inbox).getUID(m), m.getFlags());
            }
            inbox.close(false);
            return out;
        } finally {
            store.close();
        }
    }

    String log() throws IOException {
        Path log = dir.resolve("dovecot.log");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    private void chown(Path path) throws IOException {
        if (!"root".equals(System.getProperty("user.name"))) {
            return;
        }
        UserPrincipalLookupService users = path.getFileSystem().getUserPrincipalLookupService();
        try (Stream<Path> all = Files.walk(path)) {
            for (Path p : all.sorted(Comparator.naturalOrder()).toList()) {
                Files.setOwner(p, users.lookupPrincipalByName(mailOwner));
                Files.getFileAttributeView(p, java.nio.file.attribute.PosixFileAttributeView.class)
                        .setGroup(users.lookupPrincipalByGroupName(mailOwner));
            }
        }
    }

    private void waitForPort(int port) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("dovecot exited with " + process.exitValue() + ": "
                        + Files.readString(dir.resolve("dovecot.out")) + log());
            }
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return;
            } catch (IOException e) {
                Thread.sleep(50);
            }
        }
        throw new IllegalStateException("dovecot does not listen on " + port + ": " + log());
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static boolean onPath(String command) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(d, command))) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() throws Exception {
        process.destroy(); // SIGTERM: the master stops its children
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        introspection.stop(0);
    }
}
