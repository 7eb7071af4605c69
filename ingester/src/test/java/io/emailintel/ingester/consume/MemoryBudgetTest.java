package io.emailintel.ingester.consume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class MemoryBudgetTest {

    private static final long MIB = 1024 * 1024;

    @Test
    void anEnvelopeReservesAMultipleOfItsSize() throws Exception {
        MemoryBudget budget = new MemoryBudget(100 * MIB);

        try (MemoryBudget.Lease lease = budget.reserve(10 * MIB)) {
            assertThat(budget.availableKib()).isEqualTo((100 - 10 * MemoryBudget.WORKING_SET_FACTOR) * 1024);
        }
        assertThat(budget.availableKib()).isEqualTo(100 * 1024);
    }

    @Test
    void anEnvelopeLargerThanTheWholeBudgetRunsAloneInsteadOfNever() throws Exception {
        MemoryBudget budget = new MemoryBudget(64 * MIB);

        try (MemoryBudget.Lease lease = budget.reserve(1024 * MIB)) {
            assertThat(budget.availableKib()).isZero();
        }
        assertThat(budget.availableKib()).isEqualTo(64 * 1024);
    }

    @Test
    void largeEnvelopesTakeTurnsWhileTheBudgetIsSpent() throws Exception {
        MemoryBudget budget = new MemoryBudget(64 * MIB);
        MemoryBudget.Lease first = budget.reserve(16 * MIB);

        CompletableFuture<MemoryBudget.Lease> second = CompletableFuture.supplyAsync(() -> {
            try {
                return budget.reserve(16 * MIB);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> budget.waiting() == 1);
        assertThat(second).isNotDone();

        first.close();
        second.get().close();
        assertThat(budget.availableKib()).isEqualTo(64 * 1024);
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

        assertThat(budget.availableKib()).isEqualTo(64 * 1024);
    }
}
