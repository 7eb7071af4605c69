package io.emailintel.fetcher.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.emailintel.model.EmailAddress;
import io.emailintel.model.Envelope;
import io.emailintel.model.EnvelopeBody;
import io.emailintel.model.EnvelopeSource;
import io.emailintel.model.Recipients;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class EnvelopeReadaheadTest {

    private static final Instant T = Instant.parse("2026-11-20T08:00:00Z");

    /** A folder whose reads can be held back, one latch per message id. */
    private static final class HeldMailbox implements Mailbox {
        final Map<String, CountDownLatch> holds = new ConcurrentHashMap<>();
        final Map<String, Long> sizes = new ConcurrentHashMap<>();
        final AtomicInteger reading = new AtomicInteger();
        final AtomicInteger mostReading = new AtomicInteger();
        final List<String> started = java.util.Collections.synchronizedList(new ArrayList<>());

        @Override
        public Page listSince(Instant since) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Page deltaStart() {
            throw new UnsupportedOperationException();
        }

        @Override
        public Page follow(String link, boolean delta) {
            throw new UnsupportedOperationException();
        }

        @Override
        public long expectedBytes(Item item) {
            return sizes.getOrDefault(item.id(), 1000L);
        }

        @Override
        public Optional<Envelope> envelope(Item item, String fetchCycleId) {
            started.add(item.id());
            mostReading.accumulateAndGet(reading.incrementAndGet(), Math::max);
            try {
                CountDownLatch hold = holds.get(item.id());
                if (hold != null && !hold.await(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("held too long");
                }
                if (item.id().startsWith("gone")) {
                    return Optional.empty();
                }
                if (item.id().startsWith("broken")) {
                    throw new IllegalStateException("Graph answered 503 for " + item.id());
                }
                return Optional.of(Envelope.builder()
                        .source(new EnvelopeSource(EnvelopeSource.KIND_GRAPH, "cti@example.org", "Inbox", item.id(),
                                null))
                        .subject(item.id()).from(new EmailAddress(null, "a@b.example"))
                        .recipients(new Recipients(List.of(), List.of(), List.of()))
                        .receivedAt(item.receivedAt()).body(EnvelopeBody.empty()).fetchCycleId(fetchCycleId)
                        .fetchedAt(T).build());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            } finally {
                reading.decrementAndGet();
            }
        }
    }

    private static Mailbox.Item item(String id) {
        return new Mailbox.Item(id, T, false, null);
    }

    @Test
    void envelopesComeOutInTheOrderTheItemsWentInWhateverOrderTheyAreRead() throws Exception {
        HeldMailbox mailbox = new HeldMailbox();
        CountDownLatch first = new CountDownLatch(1);
        mailbox.holds.put("m0", first);
        try (EnvelopeReadahead<String> reader = new EnvelopeReadahead<>(mailbox, "c", Envelope::subject, 4, 8,
                1 << 20)) {
            for (int i = 0; i < 6; i++) {
                reader.add(item("m" + i));
            }
            // m0 is held while the others are read; it still comes out first
            Thread release = new Thread(() -> {
                while (mailbox.started.size() < 4) {
                    Thread.onSpinWait();
                }
                first.countDown();
            });
            release.start();
            List<String> out = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                out.add(reader.next().value().orElseThrow());
            }
            assertThat(out).containsExactly("m0", "m1", "m2", "m3", "m4", "m5");
        }
    }

    @Test
    void noMoreThanMaxAheadItemsAreStartedBeforeTheyAreTaken() throws Exception {
        HeldMailbox mailbox = new HeldMailbox();
        try (EnvelopeReadahead<String> reader = new EnvelopeReadahead<>(mailbox, "c", Envelope::subject, 2, 3,
                1 << 20)) {
            for (int i = 0; i < 10; i++) {
                reader.add(item("m" + i));
            }
            assertThat(reader.size()).isEqualTo(10);
            reader.next();
            // one taken, three started ahead: the fifth has not been asked for
            assertThat(mailbox.started).doesNotContain("m4", "m5");
            for (int i = 1; i < 10; i++) {
                reader.next();
            }
            assertThat(mailbox.mostReading.get()).isLessThanOrEqualTo(2);
            assertThat(reader.size()).isZero();
        }
    }

    @Test
    void anEmailLargerThanTheBudgetIsReadAlone() throws Exception {
        HeldMailbox mailbox = new HeldMailbox();
        mailbox.sizes.put("big", 50L << 20);
        CountDownLatch hold = new CountDownLatch(1);
        mailbox.holds.put("big", hold);
        try (EnvelopeReadahead<String> reader = new EnvelopeReadahead<>(mailbox, "c", Envelope::subject, 4, 8,
                10L << 20)) {
            reader.add(item("big"));
            reader.add(item("small"));
            // the budget is spent on "big" until it is taken: "small" waits, unstarted
            assertThat(reader.size()).isEqualTo(2);
            assertThat(mailbox.started).doesNotContain("small");
            hold.countDown();
            assertThat(reader.next().value()).contains("big");
            assertThat(reader.next().value()).contains("small");
        }
    }

    @Test
    void aMessageGoneSinceItWasListedComesOutEmptyAndAFailureComesOutInItsPlace() throws Exception {
        HeldMailbox mailbox = new HeldMailbox();
        try (EnvelopeReadahead<String> reader = new EnvelopeReadahead<>(mailbox, "c", Envelope::subject, 2, 4,
                1 << 20)) {
            reader.add(item("gone-1"));
            reader.add(item("m1"));
            reader.add(item("broken-2"));
            reader.add(item("m3"));

            assertThat(reader.next().value()).isEmpty();
            assertThat(reader.next().value()).contains("m1");
            assertThatThrownBy(reader::next).hasMessageContaining("503 for broken-2");
        }
    }
}
