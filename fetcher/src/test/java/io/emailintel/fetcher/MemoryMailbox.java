package io.emailintel.fetcher;

import io.emailintel.fetcher.graph.Mailbox;
import io.emailintel.model.EmailAddress;
import io.emailintel.model.Envelope;
import io.emailintel.model.EnvelopeBody;
import io.emailintel.model.EnvelopeSource;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A mailbox folder in memory behind the {@link Mailbox} port, for tests of the fetch cycle alone. It pages as the
 * port promises: the listing oldest first from a received time, a delta round over the whole folder in the order
 * messages were added (Graph's delta returns a folder in no particular order, not by receivedDateTime:
 * learn.microsoft.com/graph/delta-query-messages), later rounds with only what changed since the round's delta
 * link. Links can be made to fail as Graph's expire ({@link #rejectLinks}), reads can be held ({@link #hold}).
 * The Graph wire protocol itself is {@code fake.FakeGraph}'s job.
 */
final class MemoryMailbox implements Mailbox {

    static final String MAILBOX = GraphFixture.MAILBOX;

    private final int pageSize;
    /** Every message ever added, by id, in the order added. */
    private final Map<String, Instant> messages = new LinkedHashMap<>();
    private final Set<String> removed = new HashSet<>();
    /** Changes (adds) in order; a delta link remembers how many it has seen. */
    private final List<String> changes = new ArrayList<>();
    private final Map<String, CountDownLatch> holds = new ConcurrentHashMap<>();
    private final List<String> requests = new ArrayList<>();
    private volatile Predicate<String> rejected = link -> false;
    private volatile java.util.function.Consumer<String> onRead = id -> { };
    private Predicate<String> failNext = request -> false;
    private int rounds;

    MemoryMailbox(int pageSize) {
        this.pageSize = pageSize;
    }

    synchronized String add(String id, Instant receivedAt) {
        messages.put(id, receivedAt);
        changes.add(id);
        return id;
    }

    /** Deleted or moved away: a later round reports it as {@code @removed}. */
    synchronized void remove(String id) {
        removed.add(id);
        changes.add(id);
    }

    /** Links (next or delta) matching {@code which} answer as an expired sync state does. */
    void rejectLinks(Predicate<String> which) {
        rejected = which;
    }

    /** The read of this message waits until the latch opens (a process stuck there when it is killed). */
    void hold(String id, CountDownLatch latch) {
        holds.put(id, latch);
    }

    /**
     * The next request matching {@code which} ({@code delta-start}, a link) fails as a Graph error past its
     * retries does (a 503 storm, a network outage), once.
     */
    synchronized void failNext(Predicate<String> which) {
        failNext = which;
    }

    private void request(String what) {
        requests.add(what);
        if (failNext.test(what)) {
            failNext = request -> false;
            throw new IllegalStateException("Graph answered 503 to " + what + " past the retries");
        }
    }

    /** Told the id of every message read, before it is read. */
    void onRead(java.util.function.Consumer<String> hook) {
        onRead = hook;
    }

    /** The pages asked for so far (first requests and links), in order. */
    synchronized List<String> requests() {
        return List.copyOf(requests);
    }

    @Override
    public synchronized Page listSince(Instant since) {
        request("list:" + since);
        return listing(since, 0);
    }

    @Override
    public synchronized Page deltaStart() {
        request("delta-start");
        return roundPage("round" + (++rounds), 0, changes.size(), 0);
    }

    @Override
    public synchronized Page follow(String link, boolean delta) {
        request(link);
        if (rejected.test(link)) {
            throw new DeltaExpiredException("the sync state of " + link + " is gone (410 SyncStateNotFound)", null);
        }
        String[] part = link.split("\\|");
        return switch (part[0]) {
            case "list" -> listing(Instant.parse(part[1]), Integer.parseInt(part[2]));
            case "next" -> roundPage(part[1], Integer.parseInt(part[2]), Integer.parseInt(part[3]),
                    Integer.parseInt(part[4]));
            case "delta" -> roundPage("changes" + (++rounds), Integer.parseInt(part[1]), changes.size(), 0);
            default -> throw new IllegalArgumentException("not a link of this mailbox: " + link);
        };
    }

    private Page listing(Instant since, int offset) {
        List<Map.Entry<String, Instant>> listed = messages.entrySet().stream()
                .filter(e -> !removed.contains(e.getKey()) && !e.getValue().isBefore(since))
                .sorted(Map.Entry.comparingByValue(Comparator.naturalOrder())).toList();
        List<Item> items = listed.subList(offset, Math.min(listed.size(), offset + pageSize)).stream()
                .map(e -> new Item(e.getKey(), e.getValue(), false, null)).toList();
        boolean more = offset + pageSize < listed.size();
        return new Page(items, more ? "list|" + since + "|" + (offset + pageSize) : null, null);
    }

    /**
     * A page of a round: a first round ({@code round…}) lists the folder, a later one ({@code changes…}) what
     * changed between the {@code from}th and the {@code upTo}th change, each message once. Its delta link will
     * have seen {@code upTo} changes.
     */
    private Page roundPage(String round, int from, int upTo, int offset) {
        List<String> ids = round.startsWith("round")
                ? messages.keySet().stream().filter(id -> !removed.contains(id)).toList()
                : new ArrayList<>(new LinkedHashSet<>(changes.subList(from, upTo)));
        List<Item> items = ids.subList(offset, Math.min(ids.size(), offset + pageSize)).stream()
                .map(id -> new Item(id, messages.get(id), removed.contains(id), null)).toList();
        boolean more = offset + pageSize < ids.size();
        return new Page(items, more ? String.join("|", "next", round, "" + from, "" + upTo, "" + (offset + pageSize))
                : null, more ? null : "delta|" + upTo);
    }

    @Override
    public Optional<Envelope> envelope(Item item, String fetchCycleId) {
        onRead.accept(item.id());
        CountDownLatch hold = holds.get(item.id());
        try {
            if (hold != null && !hold.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("held read of " + item.id() + " never released");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading " + item.id(), e);
        }
        Instant receivedAt;
        synchronized (this) {
            if (removed.contains(item.id())) {
                return Optional.empty();
            }
            receivedAt = messages.get(item.id());
        }
        return Optional.of(Envelope.builder()
                .source(new EnvelopeSource(EnvelopeSource.KIND_GRAPH, MAILBOX, "Inbox", item.id(),
                        "<" + item.id() + "@mail.example.org>"))
                .subject("advisory " + item.id())
                .from(new EmailAddress("PSIRT", "psirt@vendor.example"))
                .receivedAt(receivedAt)
                .body(new EnvelopeBody("text", "see " + item.id()))
                .fetchCycleId(fetchCycleId)
                .fetchedAt(Clock.systemUTC().instant())
                .build());
    }
}
