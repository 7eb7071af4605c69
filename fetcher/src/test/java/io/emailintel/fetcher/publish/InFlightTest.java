package io.emailintel.fetcher.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class InFlightTest {

    private final InFlight<String> inFlight = new InFlight<>();

    private CompletableFuture<Void> published(String position) {
        CompletableFuture<Void> confirm = new CompletableFuture<>();
        inFlight.track(position, confirm);
        return confirm;
    }

    private static void returned(CompletableFuture<Void> confirm) {
        confirm.completeExceptionally(new NotConfirmedException("returned: 312 NO_ROUTE"));
    }

    @Test
    void cursorDoesNotPassAnUnconfirmedEnvelope() {
        var a = published("a");
        published("b");
        var c = published("c");
        a.complete(null);
        c.complete(null);

        assertThat(inFlight.committable()).containsExactly("a");
        assertThat(inFlight.unconfirmed()).isEqualTo(1);
    }

    @Test
    void confirmsOutOfOrderReleaseTheWholeRunOnceTheGapCloses() {
        var a = published("a");
        var b = published("b");
        var c = published("c");
        c.complete(null);
        b.complete(null);
        assertThat(inFlight.committable()).isEmpty();

        a.complete(null);
        assertThat(inFlight.committable()).containsExactly("a", "b", "c");
        assertThat(inFlight.committable()).isEmpty();
    }

    @Test
    void aReturnedEnvelopeBlocksEverythingBehindIt() {
        var a = published("a");
        var b = published("b");
        var c = published("c");
        a.complete(null);
        returned(b);
        c.complete(null);

        assertThat(inFlight.committable()).containsExactly("a");
        assertThat(inFlight.committable()).isEmpty();
        assertThat(inFlight.unconfirmed()).isZero();
        assertThatThrownBy(() -> inFlight.awaitUnconfirmedAtMost(0, Duration.ofSeconds(1)))
                .isInstanceOf(NotConfirmedException.class).hasMessageContaining("NO_ROUTE");
    }

    @Test
    void aPageEndIsCommittableOnlyAfterEveryEnvelopeOfThePage() {
        var a = published("a");
        inFlight.mark("end of page 1");
        assertThat(inFlight.committable()).isEmpty();

        a.complete(null);
        assertThat(inFlight.committable()).containsExactly("a", "end of page 1");
    }

    @Test
    void awaitingStopsAtTheFirstFailureWithoutWaitingForTheRest() throws Exception {
        published("a");
        returned(published("b"));

        long start = System.nanoTime();
        assertThatThrownBy(() -> inFlight.awaitUnconfirmedAtMost(0, Duration.ofSeconds(30)))
                .isInstanceOf(NotConfirmedException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void aConfirmThatDoesNotComeInTimeIsAFailure() {
        published("a");
        published("b").complete(null);

        assertThatThrownBy(() -> inFlight.awaitUnconfirmedAtMost(0, Duration.ofMillis(50)))
                .isInstanceOf(NotConfirmedException.class).hasMessageContaining("1 unconfirmed");
        assertThat(inFlight.committable()).isEmpty();
    }

    @Test
    void theBoundReleasesAsSoonAsConfirmsBringTheCountDown() throws Exception {
        var a = published("a");
        published("b");
        Thread confirmer = new Thread(() -> a.complete(null));
        confirmer.start();

        inFlight.awaitUnconfirmedAtMost(1, Duration.ofSeconds(10));
        confirmer.join();
        assertThat(inFlight.unconfirmed()).isEqualTo(1);
        assertThat(inFlight.committable()).containsExactly("a");
    }
}
