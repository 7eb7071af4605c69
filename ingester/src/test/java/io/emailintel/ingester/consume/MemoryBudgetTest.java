package io.emailintel.ingester.consume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class MemoryBudgetTest {

    private static final long MIB = 1024 * 1024;

    private static CompletableFuture<MemoryBudget.Lease> reserveLater(MemoryBudget budget, long bytes) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return budget.reserve(bytes);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @Test
    void anEnvelopeReservesAMultipleOfItsSize() throws Exception {
        MemoryBudget budget = new MemoryBudget(100 * MIB);

        try (MemoryBudget.Lease lease = budget.reserve(10 * MIB)) {
            assertThat(budget.available()).isEqualTo((100 - 10 * MemoryBudget.WORKING_SET_FACTOR) * MIB);
        }
        assertThat(budget.available()).isEqualTo(100 * MIB);
    }

    @Test
    void anEnvelopeLargerThanTheWholeBudgetRunsAloneInsteadOfNever() throws Exception {
        MemoryBudget budget = new MemoryBudget(64 * MIB);

        try (MemoryBudget.Lease lease = budget.reserve(1024 * MIB)) {
            assertThat(budget.available()).isNegative();
            CompletableFuture<MemoryBudget.Lease> next = reserveLater(budget, MIB);
            await().atMost(Duration.ofSeconds(10)).until(() -> budget.waiting() == 1);
            assertThat(next).isNotDone();
            lease.close();
            next.get().close();
        }
        assertThat(budget.available()).isEqualTo(64 * MIB);
    }

    @Test
    void largeEnvelopesTakeTurnsWhileTheBudgetIsSpent() throws Exception {
        MemoryBudget budget = new MemoryBudget(64 * MIB);
        MemoryBudget.Lease first = budget.reserve(16 * MIB);

        CompletableFuture<MemoryBudget.Lease> second = reserveLater(budget, 16 * MIB);
        await().atMost(Duration.ofSeconds(10)).until(() -> budget.waiting() == 1);
        assertThat(second).isNotDone();

        first.close();
        second.get().close();
        assertThat(budget.available()).isEqualTo(64 * MIB);
    }

    @Test
    void deliveredBodiesCountAgainstTheBudgetUntilTheyAreSettled() throws Exception {
        MemoryBudget budget = new MemoryBudget(100 * MIB);
        // three 16 MiB deliveries held (prefetched), one of them processing
        MemoryBudget.Lease a = budget.hold(16 * MIB);
        MemoryBudget.Lease b = budget.hold(16 * MIB);
        MemoryBudget.Lease c = budget.hold(16 * MIB);
        MemoryBudget.Lease working = budget.reserve(16 * MIB);
        assertThat(budget.available()).isEqualTo((100 - 48 - 48) * MIB);

        // a second one would need another 48 MiB: it waits, although the working sets alone (96) would fit
        CompletableFuture<MemoryBudget.Lease> next = reserveLater(budget, 16 * MIB);
        await().atMost(Duration.ofSeconds(10)).until(() -> budget.waiting() == 1);
        assertThat(next).isNotDone();

        // the first delivery is settled: its body and working set are given back, the next one may run
        working.close();
        a.close();
        next.get().close();
        b.close();
        c.close();
        assertThat(budget.available()).isEqualTo(100 * MIB);
    }

    @Test
    void deliveriesAreChargedAtOnceEvenBeyondTheBudget() {
        MemoryBudget budget = new MemoryBudget(16 * MIB);
        // a delivery is in memory already when it arrives: holding it never waits
        MemoryBudget.Lease a = budget.hold(16 * MIB);
        MemoryBudget.Lease b = budget.hold(16 * MIB);
        assertThat(budget.available()).isEqualTo(-16 * MIB);
        a.close();
        b.close();
        assertThat(budget.available()).isEqualTo(16 * MIB);
    }

    @Test
    void smallEnvelopesDoNotWaitForEachOther() throws Exception {
        MemoryBudget budget = new MemoryBudget(64 * MIB);

        try (MemoryBudget.Lease a = budget.reserve(30 * 1024); MemoryBudget.Lease b = budget.reserve(30 * 1024);
             MemoryBudget.Lease c = budget.reserve(30 * 1024); MemoryBudget.Lease d = budget.reserve(30 * 1024)) {
            assertThat(budget.waiting()).isZero();
        }
    }

    @Test
    void closingALeaseTwiceGivesItsRoomBackOnce() throws Exception {
        MemoryBudget budget = new MemoryBudget(64 * MIB);
        MemoryBudget.Lease lease = budget.reserve(MIB);

        lease.close();
        lease.close();

        assertThat(budget.available()).isEqualTo(64 * MIB);
    }

    @Test
    void theDefaultPrefetchKeepsLargestEnvelopesWithinAQuarterOfTheHeap() {
        // what Runtime.maxMemory() reports for -Xmx256m with the default collector is a little under 256 MiB
        assertThat(MemoryBudget.defaultPrefetch(247 * MIB)).isEqualTo(3);
        assertThat(MemoryBudget.defaultPrefetch(256 * MIB)).isEqualTo(4);
        assertThat(MemoryBudget.defaultPrefetch(64 * MIB)).isEqualTo(1);
        assertThat(MemoryBudget.defaultPrefetch(512 * MIB)).isEqualTo(8);
        assertThat(MemoryBudget.defaultPrefetch(8192 * MIB)).isEqualTo(MemoryBudget.MAX_DEFAULT_PREFETCH);
        for (long heap = 64 * MIB; heap <= 8192 * MIB; heap += 32 * MIB) {
            long prefetch = MemoryBudget.defaultPrefetch(heap);
            assertThat(prefetch * MemoryBudget.MAX_ENVELOPE_BYTES).as("heap %d MiB", heap / MIB)
                    .isLessThanOrEqualTo(Math.max(MemoryBudget.MAX_ENVELOPE_BYTES, heap / 4));
        }
    }
}
