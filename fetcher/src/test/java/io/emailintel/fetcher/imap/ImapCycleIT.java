package io.emailintel.fetcher.imap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import io.emailintel.fetcher.eml.EmlEnvelopes;
import io.emailintel.fetcher.eml.RawMail;
import io.emailintel.fetcher.fake.FakeGraph;
import io.emailintel.fetcher.graph.AttachmentPolicy;
import io.emailintel.fetcher.graph.GraphClients;
import io.emailintel.model.Envelope;
import io.emailintel.model.EnvelopeCodec;
import io.emailintel.model.EnvelopeSource;
import io.emailintel.testing.RabbitBrokerExtension;
import io.emailintel.testing.TestBroker;
import io.emailintel.tls.TlsTrust;
import io.emailintel.topology.Topology;
import jakarta.mail.Flags;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The IMAP source against a real Dovecot and a real RabbitMQ; each test uses a folder of its own. */
@ExtendWith(RabbitBrokerExtension.class)
class ImapCycleIT {

    private static Path dir;
    private static Dovecot dovecot;
    private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    private final EnvelopeCodec codec = new EnvelopeCodec();

    @BeforeAll
    static void startDovecot() throws Exception {
        dir = Files.createTempDirectory("imap-it-");
        dovecot = Dovecot.start(dir.resolve("dovecot"));
    }

    @AfterAll
    static void stopDovecot() throws Exception {
        if (dovecot != null) {
            dovecot.close();
        }
    }

    private ImapCycle cycle(TestBroker broker, Topology topology, ImapAccount account, Duration lookBack) {
        return new ImapCycle(account, store(account), new RawMail(new EmlEnvelopes(new AttachmentPolicy(
                List.of("application/pdf", "text/csv", "text/plain"), 10 << 20, 10 << 20, false))),
                broker.connect(), topology, Clock.systemUTC(), lookBack, Duration.ofMinutes(10),
                Duration.ofSeconds(20), () -> false, new ImapCycle.Listener() { });
    }

    private static ImapCursorStore store(ImapAccount account) {
        return new ImapCursorStore(dir.resolve("state"), account.mailbox(), account.folder());
    }

    private List<Envelope> drain(TestBroker broker, Topology topology) throws Exception {
        List<Envelope> out = new ArrayList<>();
        try (Channel ch = broker.connect().createChannel()) {
            GetResponse r;
            while ((r = ch.basicGet(topology.workQueue(), true)) != null) {
                out.add(codec.decode(r.getBody()));
            }
        }
        return out;
    }

    private static void fill(String folder, int n, String prefix) throws Exception {
        for (int i = 0; i < n; i++) {
            dovecot.deliver(folder, Dovecot.message(prefix + i + "@vendor.example", "advisory " + prefix + i),
                    NOW.minus(Duration.ofMinutes(n - i)), i % 3 == 0);
        }
    }

    @Test
    void aRunPublishesEveryMessageLeavesEveryFlagAsItWasAndMovesTheCursorToTheHighestUid(TestBroker broker)
            throws Exception {
        Topology topology = broker.declare(broker.prefix("normal"), List.of(Duration.ofSeconds(10)));
        fill("normal", 30, "n");
        Map<Long, Flags> before = dovecot.flags("normal");
        ImapAccount account = dovecot.account("normal");

        ImapCycle.Outcome outcome = cycle(broker, topology, account, Duration.ofDays(30)).run();

        assertThat(outcome.published()).isEqualTo(30);
        List<Envelope> envelopes = drain(broker, topology);
        assertThat(envelopes).hasSize(30);
        assertThat(envelopes).allSatisfy(e -> {
            assertThat(e.source().kind()).isEqualTo(EnvelopeSource.KIND_IMAP);
            assertThat(e.source().mailbox()).isEqualTo("cti@127.0.0.1");
            assertThat(e.source().folder()).isEqualTo("normal");
            assertThat(e.envelopeId()).isEqualTo(Envelope.stableId(e.source()));
            assertThat(e.body().content()).startsWith("Indicators for advisory n");
        });
        assertThat(envelopes.get(0).source().internetMessageId()).isEqualTo("n0@vendor.example");
        assertThat(envelopes.get(0).subject()).isEqualTo("advisory n0");
        Map<Long, Flags> after = dovecot.flags("normal");
        assertThat(after).as("EXAMINE and BODY.PEEK[]: no flag set or cleared").isEqualTo(before);
        assertThat(before.values().stream().filter(f -> f.contains(Flags.Flag.SEEN)).count())
                .as("the test has read and unread messages").isEqualTo(10);
        long highest = before.keySet().stream().mapToLong(Long::longValue).max().orElseThrow();
        ImapCursor cursor = store(account).load().orElseThrow();
        assertThat(cursor.lastUid()).isEqualTo(highest);
        assertThat(cursor.floor()).as("the first run's read by date is over").isNull();

        assertThat(cycle(broker, topology, account, Duration.ofDays(30)).run().published()).isZero();
        dovecot.deliver("normal", Dovecot.message("late@vendor.example", "late"), NOW);
        ImapCycle.Outcome third = cycle(broker, topology, account, Duration.ofDays(30)).run();
        assertThat(third.published()).isEqualTo(1);
        assertThat(drain(broker, topology)).extracting(Envelope::subject).containsExactly("late");
    }

    @Test
    void theFirstRunOnlyReadsWhatArrivedWithinTheLookBackPeriod(TestBroker broker) throws Exception {
        Topology topology = broker.declare(broker.prefix("lookback"), List.of(Duration.ofSeconds(10)));
        dovecot.deliver("lookback", Dovecot.message("old@vendor.example", "old"), NOW.minus(Duration.ofDays(40)));
        dovecot.deliver("lookback", Dovecot.message("recent@vendor.example", "recent"), NOW.minus(Duration.ofDays(2)));
        ImapAccount account = dovecot.account("lookback");

        assertThat(cycle(broker, topology, account, Duration.ofDays(30)).run().published()).isEqualTo(1);
        assertThat(drain(broker, topology)).extracting(Envelope::subject).containsExactly("recent");
        assertThat(cycle(broker, topology, account, Duration.ofDays(30)).run().published())
                .as("the old message stays below the cursor").isZero();
    }

    @Test
    void aConnectionDroppedMidFetchIsResumedByTheNextCycleWithoutLossOrSkip(TestBroker broker) throws Exception {
        Topology topology = broker.declare(broker.prefix("cut"), List.of(Duration.ofSeconds(10)));
        fill("cut", 300, "c");
        try (CuttingProxy proxy = new CuttingProxy(dovecot.imapsPort())) {
            ImapAccount account = dovecot.account("cut", ImapAccount.Tls.IMPLICIT, proxy.port(),
                    new ImapLogin.Password(Dovecot.PASSWORD));
            proxy.cutAfter(40_000); // 300 messages of some 350 bytes: the cut comes about a third of the way in
            assertThatThrownBy(() -> cycle(broker, topology, account, Duration.ofDays(30)).run())
                    .hasMessageContaining("the next cycle resumes after the last confirmed UID");
            ImapCursor cut = store(account).load().orElseThrow();
            List<Envelope> first = drain(broker, topology);
            assertThat(first.size()).as("some were sent before the cut").isBetween(1, 299);
            assertThat(cut.lastUid()).as("the cursor holds what the broker confirmed").isEqualTo(first.size());

            proxy.heal();
            ImapCycle.Outcome resumed = cycle(broker, topology, account, Duration.ofDays(30)).run();
            List<Envelope> second = drain(broker, topology);
            Set<String> ids = new HashSet<>();
            first.forEach(e -> ids.add(e.source().internetMessageId()));
            second.forEach(e -> ids.add(e.source().internetMessageId()));
            assertThat(ids).as("no message lost").hasSize(300);
            assertThat(first.size() + second.size()).as("none sent twice").isEqualTo(300);
            assertThat(resumed.lastUid()).isEqualTo(300);
        }
    }

    @Test
    void aNewUidValidityReadsAgainByDateAndSuppressesWhatWasSent(TestBroker broker) throws Exception {
        Topology topology = broker.declare(broker.prefix("uidv"), List.of(Duration.ofSeconds(10)));
        fill("uidv", 10, "u");
        ImapAccount account = dovecot.account("uidv");
        ImapCycle.Outcome first = cycle(broker, topology, account, Duration.ofDays(30)).run();
        assertThat(first.published()).isEqualTo(10);
        drain(broker, topology);

        long validity = dovecot.changeUidValidity("uidv");
        dovecot.deliver("uidv", Dovecot.message("after@vendor.example", "after the restore"), NOW);
        ImapCycle.Outcome second = cycle(broker, topology, account, Duration.ofDays(30)).run();

        assertThat(second.uidValidity()).isEqualTo(validity).isNotEqualTo(first.uidValidity());
        assertThat(second.duplicates()).as("the ten already sent, by Message-ID").isEqualTo(10);
        assertThat(second.published()).isEqualTo(1);
        assertThat(drain(broker, topology)).extracting(Envelope::subject).containsExactly("after the restore");
        ImapCursor cursor = store(account).load().orElseThrow();
        assertThat(cursor.uidValidity()).isEqualTo(validity);
        assertThat(cursor.lastUid()).isEqualTo(11);
        assertThat(cursor.floor()).isNull();
    }

    @Test
    void aMailboxOfFiveThousandMessagesIsReadInOnePass(TestBroker broker) throws Exception {
        Topology topology = broker.declare(broker.prefix("big"), List.of(Duration.ofSeconds(10)));
        for (int i = 0; i < 5000; i++) {
            dovecot.deliver("big", Dovecot.message("b" + i + "@vendor.example", "b" + i),
                    NOW.minus(Duration.ofSeconds(5000 - i)));
        }
        ImapAccount account = dovecot.account("big");
        long start = System.nanoTime();
        ImapCycle.Outcome outcome = cycle(broker, topology, account, Duration.ofDays(30)).run();
        long millis = (System.nanoTime() - start) / 1_000_000;
        System.out.println("IMAP: 5000 messages read and published in " + millis + " ms");
        assertThat(outcome.published()).isEqualTo(5000);
        assertThat(outcome.lastUid()).isEqualTo(5000);
        assertThat(broker.messageCount(topology.workQueue())).isEqualTo(5000);
    }

    @Test
    void aMessageThatIsNotAnEmailIsDeadLetteredOnceAndTheCursorMovesPastIt(TestBroker broker) throws Exception {
        Topology topology = broker.declare(broker.prefix("garbage"), List.of(Duration.ofSeconds(10)));
        dovecot.deliver("garbage", "\n\nno header at all, just bytes\n", NOW.minusSeconds(10));
        dovecot.deliver("garbage", Dovecot.message("g@vendor.example", "fine"), NOW);
        ImapAccount account = dovecot.account("garbage");

        ImapCycle.Outcome outcome = cycle(broker, topology, account, Duration.ofDays(30)).run();

        assertThat(outcome.malformed()).isEqualTo(1);
        assertThat(outcome.published()).isEqualTo(1);
        assertThat(outcome.lastUid()).isEqualTo(2);
        try (Channel ch = broker.connect().createChannel()) {
            GetResponse dead = ch.basicGet(topology.deadLetterQueue(), true);
            assertThat(dead).isNotNull();
            assertThat(dead.getProps().getHeaders().get("x-email-intel-failure-reason")).hasToString("malformed-mail");
            assertThat(dead.getProps().getMessageId()).isEqualTo("imap:cti@127.0.0.1/garbage/"
                    + outcome.uidValidity() + "/1");
        }
        assertThat(cycle(broker, topology, account, Duration.ofDays(30)).run().malformed()).isZero();
    }

    @Test
    void aWrongPasswordFailsWithTheServersAnswerAndNeverTheSecret(TestBroker broker) throws Exception {
        Topology topology = broker.declare(broker.prefix("wrongpw"), List.of(Duration.ofSeconds(10)));
        ImapAccount account = dovecot.account("INBOX", ImapAccount.Tls.IMPLICIT, dovecot.imapsPort(),
                new ImapLogin.Password("not-the-password-42"));
        assertThatThrownBy(() -> cycle(broker, topology, account, Duration.ofDays(30)).run())
                .isInstanceOf(ImapLoginException.class)
                .hasMessageContaining("refused the login of cti (password)")
                .hasMessageContaining("127.0.0.1:" + dovecot.imapsPort())
                .hasMessageNotContaining("not-the-password-42");
        assertThat(store(account).load()).as("no cursor written").isEmpty();
    }

    @Test
    void startTlsIsVerifiedAndWorks(TestBroker broker) throws Exception {
        Topology topology = broker.declare(broker.prefix("starttls"), List.of(Duration.ofSeconds(10)));
        dovecot.deliver("starttls", Dovecot.message("s@vendor.example", "over starttls"), NOW);
        ImapAccount account = dovecot.account("starttls", ImapAccount.Tls.STARTTLS, dovecot.imapPort(),
                new ImapLogin.Password(Dovecot.PASSWORD));
        assertThat(cycle(broker, topology, account, Duration.ofDays(30)).run().published()).isEqualTo(1);
    }

    @Test
    void aServerCertificateFromAnUntrustedCaIsRefused(TestBroker broker) throws Exception {
        Topology topology = broker.declare(broker.prefix("untrusted"), List.of(Duration.ofSeconds(10)));
        for (ImapAccount.Tls tls : ImapAccount.Tls.values()) {
            ImapAccount account = new ImapAccount("127.0.0.1", tls == ImapAccount.Tls.IMPLICIT ? dovecot.imapsPort()
                    : dovecot.imapPort(), tls, Dovecot.USER, new ImapLogin.Password(Dovecot.PASSWORD), "INBOX",
                    TlsTrust.jvm(), Duration.ofSeconds(10));
            assertThatThrownBy(() -> cycle(broker, topology, account, Duration.ofDays(30)).run())
                    .as(tls.name()).hasMessageContaining("cannot connect to the IMAP server")
                    .hasStackTraceContaining("PKIX");
        }
    }

    @Test
    void aFolderThatDoesNotExistIsNamedWithTheFoldersThatDo(TestBroker broker) throws Exception {
        Topology topology = broker.declare(broker.prefix("nofolder"), List.of(Duration.ofSeconds(10)));
        dovecot.deliver("Vendors", Dovecot.message("v@vendor.example", "v"), NOW);
        ImapAccount account = dovecot.account("Nope/Deeper");
        assertThatThrownBy(() -> cycle(broker, topology, account, Duration.ofDays(30)).run())
                .isInstanceOf(ImapFolderNotFoundException.class)
                .hasMessageContaining("IMAP folder 'Nope/Deeper' not found").hasMessageContaining("Vendors");
    }

    @Test
    void xoauth2WithATokenFromARefreshTokenLogsIn(TestBroker broker) throws Exception {
        Topology topology = broker.declare(broker.prefix("xoauth2"), List.of(Duration.ofSeconds(10)));
        dovecot.deliver("oauth", Dovecot.message("o@vendor.example", "via xoauth2"), NOW);
        try (FakeTokenEndpoint tokens = new FakeTokenEndpoint("client-1", "client-secret-1", "refresh-1",
                Dovecot.ACCESS_TOKEN)) {
            ImapLogin login = new ImapLogin.OAuth(new RefreshTokenGrant(tokens.url(), "client-1", "client-secret-1",
                    "refresh-1", null, TlsTrust.jvm(), Clock.systemUTC()));
            ImapAccount account = dovecot.account("oauth", ImapAccount.Tls.IMPLICIT, dovecot.imapsPort(), login);
            int before = dovecot.introspections();
            assertThat(cycle(broker, topology, account, Duration.ofDays(30)).run().published()).isEqualTo(1);
            assertThat(tokens.grants()).isEqualTo(1);
            assertThat(dovecot.introspections()).as("Dovecot checked the token").isGreaterThan(before);
            assertThat(dovecot.log()).contains("method=XOAUTH2");
        }
    }

    @Test
    void xoauth2WithAnAppTokenByClientCredentialsLogsIn(TestBroker broker) throws Exception {
        Topology topology = broker.declare(broker.prefix("xoauth2cc"), List.of(Duration.ofSeconds(10)));
        dovecot.deliver("m365", Dovecot.message("m@vendor.example", "as an app"), NOW);
        try (FakeGraph entra = new FakeGraph("cti@example.org")) {
            ImapLogin login = new ImapLogin.OAuth(new ClientCredentialsTokens(GraphClients.secretCredential(
                    FakeGraph.TENANT, "00000000-0000-0000-0000-000000000001", "app-secret",
                    java.net.URI.create(entra.authorityHost())), null));
            ImapAccount account = dovecot.account("m365", ImapAccount.Tls.IMPLICIT, dovecot.imapsPort(), login);
            assertThat(cycle(broker, topology, account, Duration.ofDays(30)).run().published()).isEqualTo(1);
            assertThat(entra.tokenForms()).singleElement().asString()
                    .contains("grant_type=client_credentials")
                    // MSAL adds openid, profile and offline_access to the scope it is given
                    .containsPattern("scope=[^&]*https://outlook.office365.com/.default");
        }
    }

    @Test
    void xoauth2WithATokenTheServerDoesNotAcceptIsALoginFailure(TestBroker broker) throws Exception {
        Topology topology = broker.declare(broker.prefix("xoauth2bad"), List.of(Duration.ofSeconds(10)));
        ImapLogin login = new ImapLogin.OAuth(() -> "ya29.revoked");
        ImapAccount account = dovecot.account("INBOX", ImapAccount.Tls.IMPLICIT, dovecot.imapsPort(), login);
        assertThatThrownBy(() -> cycle(broker, topology, account, Duration.ofDays(30)).run())
                .isInstanceOf(ImapLoginException.class).hasMessageContaining("(XOAUTH2)")
                .hasMessageNotContaining("ya29.revoked");
    }
}
