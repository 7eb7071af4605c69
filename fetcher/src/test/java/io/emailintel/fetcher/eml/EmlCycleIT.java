package io.emailintel.fetcher.eml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import io.emailintel.fetcher.graph.AttachmentPolicy;
import io.emailintel.model.Envelope;
import io.emailintel.model.EnvelopeCodec;
import io.emailintel.testing.RabbitBrokerExtension;
import io.emailintel.testing.TestBroker;
import io.emailintel.topology.Headers;
import io.emailintel.topology.Topology;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(RabbitBrokerExtension.class)
class EmlCycleIT {

    @TempDir
    Path tmp;

    private final EnvelopeCodec codec = new EnvelopeCodec();

    private EmlCycle cycle(TestBroker broker, Topology topology, Path dir, Path state) {
        return new EmlCycle(dir, state, new EmlEnvelopes(new AttachmentPolicy(
                List.of("application/pdf", "text/csv", "text/plain"), 10 << 20, 10 << 20, false)),
                broker.connect(), topology, Clock.systemUTC(), Duration.ofSeconds(10), () -> false);
    }

    private static List<Envelope> drain(Channel ch, String queue, EnvelopeCodec codec) throws Exception {
        List<Envelope> out = new ArrayList<>();
        GetResponse r;
        while ((r = ch.basicGet(queue, true)) != null) {
            out.add(codec.decode(r.getBody()));
        }
        return out;
    }

    private Path copyDemo() throws Exception {
        Path dir = tmp.resolve("mailbox");
        Files.createDirectories(dir);
        try (Stream<Path> files = Files.list(MimeMessageReaderTest.demoMailbox())) {
            for (Path f : files.toList()) {
                Files.copy(f, dir.resolve(f.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
        return dir;
    }

    @Test
    void everyDemoMessageIsPublishedOnceAndASecondPassSendsNothing(TestBroker broker) throws Exception {
        Topology topology = broker.declare(broker.prefix("demo"), List.of(Duration.ofSeconds(10)));
        Path dir = copyDemo();
        Path state = tmp.resolve("state");

        EmlCycle.Outcome first = cycle(broker, topology, dir, state).run();

        assertThat(first.read()).isEqualTo(14); // 12 .eml files + a duplicate counted as its own file + 2 in the mbox
        assertThat(first.published()).isEqualTo(14);
        assertThat(first.malformed()).isZero();
        assertThat(first.attachmentsSkipped()).containsEntry("not-allowed", 3).containsEntry("inline-image", 1);
        List<Envelope> envelopes;
        try (Channel ch = broker.connect().createChannel()) {
            envelopes = drain(ch, topology.workQueue(), codec);
        }
        assertThat(envelopes).hasSize(14);
        Set<String> ids = new HashSet<>();
        envelopes.forEach(e -> ids.add(e.envelopeId()));
        assertThat(ids).as("the duplicate advisory has the same envelope id").hasSize(13);
        assertThat(envelopes).anySatisfy(e -> assertThat(e.subject())
                .isEqualTo("Réunion d'urgence : campagne d'hameçonnage ciblant les hôpitaux"));

        EmlCycle.Outcome second = cycle(broker, topology, dir, state).run();
        assertThat(second.published()).isZero();
        assertThat(second.alreadySent()).isEqualTo(14);
        assertThat(second.summary()).contains("0 published").contains("14 already sent before");
        assertThat(broker.messageCount(topology.workQueue())).isZero();
    }

    @Test
    void anUnreadableFileGoesToTheDeadLetterQueueWithItsReasonOnce(TestBroker broker) throws Exception {
        Topology topology = broker.declare(broker.prefix("bad"), List.of(Duration.ofSeconds(10)));
        Path dir = tmp.resolve("bad");
        Files.createDirectories(dir);
        Files.write(dir.resolve("empty.eml"), new byte[0]);
        Files.writeString(dir.resolve("ok.eml"), "From: a@example.org\r\nSubject: fine\r\n\r\nbody\r\n");
        Path state = tmp.resolve("state-bad");

        EmlCycle.Outcome outcome = cycle(broker, topology, dir, state).run();
        assertThat(outcome.malformed()).isEqualTo(1);
        assertThat(outcome.published()).isEqualTo(1);
        try (Channel ch = broker.connect().createChannel()) {
            GetResponse dead = ch.basicGet(topology.deadLetterQueue(), true);
            assertThat(dead).isNotNull();
            assertThat(dead.getProps().getHeaders().get(Headers.FAILURE_REASON).toString()).isEqualTo("malformed-mail");
            assertThat(dead.getProps().getMessageId()).startsWith("empty.eml:");
            assertThat(dead.getProps().getHeaders().get(Headers.EXCEPTION_MESSAGE).toString())
                    .isEqualTo("not an e-mail: the file is empty");
        }
        assertThat(cycle(broker, topology, dir, state).run().malformed()).as("not dead-lettered twice").isZero();
    }

    @Test
    void anUnroutableDeadLetterStopsThePassAndTheFileIsNotMarkedSent(TestBroker broker) throws Exception {
        Topology topology = broker.declare(broker.prefix("deadret"), List.of(Duration.ofSeconds(10)));
        try (Channel ch = broker.connect().createChannel()) {
            // mandatory with no queue bound to the dead-letter key: the broker returns it (and still acks it)
            ch.queueUnbind(topology.deadLetterQueue(), topology.exchange(), Topology.ROUTING_DEAD);
        }
        Path dir = tmp.resolve("deadret");
        Files.createDirectories(dir);
        Files.write(dir.resolve("empty.eml"), new byte[0]);
        Path state = tmp.resolve("state-deadret");

        assertThatThrownBy(() -> cycle(broker, topology, dir, state).run()).hasMessageContaining("did not confirm");
        assertThat(new EmlCursorStore(state, dir).load()).isEmpty();

        topology.declare(broker.connect());
        assertThat(cycle(broker, topology, dir, state).run().malformed()).as("sent on the next pass").isEqualTo(1);
        assertThat(broker.messageCount(topology.deadLetterQueue())).isEqualTo(1);
    }

    @Test
    void aChangedFileIsSentAgainAndACorruptCursorIsAnError(TestBroker broker) throws Exception {
        Topology topology = broker.declare(broker.prefix("chg"), List.of(Duration.ofSeconds(10)));
        Path dir = tmp.resolve("chg");
        Files.createDirectories(dir);
        Path file = dir.resolve("a.eml");
        Files.writeString(file, "From: a@example.org\r\nSubject: v1\r\n\r\nbody\r\n", StandardCharsets.UTF_8);
        Path state = tmp.resolve("state-chg");
        assertThat(cycle(broker, topology, dir, state).run().published()).isEqualTo(1);
        Files.writeString(file, "From: a@example.org\r\nSubject: v2\r\n\r\nbody\r\n", StandardCharsets.UTF_8);
        assertThat(cycle(broker, topology, dir, state).run().published()).isEqualTo(1);

        Path cursor = new EmlCursorStore(state, dir).file();
        Files.writeString(cursor, "{not json");
        assertThatThrownBy(() -> cycle(broker, topology, dir, state).run())
                .hasMessageContaining("corrupt").hasMessageContaining(cursor.getFileName().toString());
    }

    @Test
    void aMissingPublishDestinationLeavesTheCursorWhereItWas(TestBroker broker) throws Exception {
        Topology topology = broker.declare(broker.prefix("ret"), List.of(Duration.ofSeconds(10)));
        try (Channel ch = broker.connect().createChannel()) {
            ch.queueDelete(topology.workQueue()); // the broker now returns every envelope
        }
        Path dir = copyDemo();
        Path state = tmp.resolve("state-ret");
        assertThatThrownBy(() -> cycle(broker, topology, dir, state).run())
                .hasMessageContaining("did not confirm");
        assertThat(new EmlCursorStore(state, dir).load()).isEmpty();
    }

    @Test
    void theListenerHearsEveryEnvelopeAndEveryConfirm(TestBroker broker) throws Exception {
        Topology topology = broker.declare(broker.prefix("listen"), List.of(Duration.ofSeconds(10)));
        Path dir = copyDemo();
        java.util.concurrent.atomic.AtomicInteger read = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger confirmed = new java.util.concurrent.atomic.AtomicInteger();
        new EmlCycle(dir, tmp.resolve("state-listen"), new EmlEnvelopes(new AttachmentPolicy(
                List.of("application/pdf"), 10 << 20, 10 << 20, false)), broker.connect(), topology,
                Clock.systemUTC(), Duration.ofSeconds(10), () -> false, new EmlCycle.Listener() {
                    @Override
                    public void read(Envelope envelope) {
                        read.incrementAndGet();
                    }

                    @Override
                    public void confirmed(int count) {
                        confirmed.addAndGet(count);
                    }
                }).run();
        assertThat(read.get()).isEqualTo(14);
        assertThat(confirmed.get()).isEqualTo(14);
    }
}
