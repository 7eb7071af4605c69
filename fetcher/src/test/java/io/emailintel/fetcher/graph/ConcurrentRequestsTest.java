package io.emailintel.fetcher.graph;

import static org.assertj.core.api.Assertions.assertThat;

import io.emailintel.fetcher.fake.FakeGraph;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Outlook's 4 concurrent requests per app and mailbox, with the fake answering 429 MailboxConcurrency past them and
 * counting a request open until its body has been sent (bodies stream slowly here, as large pages do).
 */
class ConcurrentRequestsTest {

    private FakeGraph graph;
    private final ExecutorService pool = Executors.newFixedThreadPool(16);
    private final List<Mailbox.Item> items = new ArrayList<>();

    @TempDir
    Path state;

    @BeforeEach
    void mailboxWithAttachments() throws Exception {
        graph = new FakeGraph(TestMailboxes.MAILBOX);
        Instant t = Instant.now().minus(Duration.ofHours(1));
        for (int i = 0; i < 16; i++) {
            graph.add("inbox-id", t.plusSeconds(i), "advisory " + i, new FakeGraph.Attachment("a" + i,
                    "fileAttachment", "ioc-" + i + ".txt", "text/plain", ("indicator " + i).repeat(200)
                    .getBytes(StandardCharsets.UTF_8), false));
        }
        items.addAll(TestMailboxes.mailbox(graph, "inbox", 50, 0).listSince(t.minusSeconds(1)).items());
        assertThat(items).hasSize(16);
        graph.slowBodies(Duration.ofMillis(150));
    }

    @AfterEach
    void close() {
        pool.shutdownNow();
        graph.close();
    }

    private List<CompletableFuture<?>> downloadAll(GraphMailbox... mailboxes) {
        List<CompletableFuture<?>> all = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            GraphMailbox m = mailboxes[i % mailboxes.length];
            Mailbox.Item item = items.get(i);
            all.add(CompletableFuture.runAsync(() -> m.envelope(item, "cycle"), pool));
        }
        return all;
    }

    @Test
    void aRequestHoldsItsSlotUntilItsBodyHasBeenRead() throws Exception {
        GraphMailbox mailbox = TestMailboxes.mailbox(graph, "inbox", 50, 3);

        CompletableFuture.allOf(downloadAll(mailbox).toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

        assertThat(graph.concurrencyRejections()).isZero();
        assertThat(graph.maxConcurrentRequests()).isLessThanOrEqualTo(FakeGraph.MAILBOX_CONCURRENCY);
    }

    @Test
    void twoClientsSharingTheStateDirectoryShareOneBudget() throws Exception {
        GraphMailbox fetcher = TestMailboxes.mailbox(graph, "inbox", 50, 3, state,
                TestMailboxes.policy(List.of("text/plain")));
        GraphMailbox resync = TestMailboxes.mailbox(graph, "inbox", 50, 3, state,
                TestMailboxes.policy(List.of("text/plain")));

        CompletableFuture.allOf(downloadAll(fetcher, resync).toArray(CompletableFuture[]::new))
                .get(60, TimeUnit.SECONDS);

        assertThat(graph.concurrencyRejections()).isZero();
        assertThat(graph.maxConcurrentRequests()).isLessThanOrEqualTo(FakeGraph.MAILBOX_CONCURRENCY);
    }

    @Test
    void anotherProcessHoldingEverySlotMakesRequestsWait() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process holder = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                SlotHolder.class.getName(), state.toString(), TestMailboxes.MAILBOX, "4")
                .redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(),
                    StandardCharsets.UTF_8));
            assertThat(out.readLine()).isEqualTo("held");
            GraphMailbox mailbox = TestMailboxes.mailbox(graph, "inbox", 50, 0, state,
                    TestMailboxes.policy(List.of("text/plain")));
            int before = graph.requests().size();

            CompletableFuture<Mailbox.Page> page = CompletableFuture.supplyAsync(
                    () -> mailbox.listSince(Instant.EPOCH), pool);
            Thread.sleep(700);
            assertThat(page).isNotDone();
            assertThat(graph.requests()).hasSize(before);

            holder.getOutputStream().close(); // the other process finishes and lets its slots go
            assertThat(page.get(10, TimeUnit.SECONDS).items()).hasSize(16);
        } finally {
            holder.destroy();
            holder.waitFor(5, TimeUnit.SECONDS);
        }
    }
}
