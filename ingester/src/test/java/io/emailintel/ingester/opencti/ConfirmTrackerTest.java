package io.emailintel.ingester.opencti;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class ConfirmTrackerTest {

    private final ConfirmTracker tracker = new ConfirmTracker();

    private ConfirmTracker.Push published(long first, long last) {
        ConfirmTracker.Push p = new ConfirmTracker.Push();
        for (long seq = first; seq <= last; seq++) {
            tracker.published(p, seq);
        }
        tracker.sealed(p);
        return p;
    }

    @Test
    void aPushWhoseFirstMessageIsConfirmedBeforeTheNextIsPublishedWaitsForTheRest() {
        // issue 12: the broker acked message 1 while 2 and 3 were still being published; 2 and 3 were then
        // returned (no queue bound), yet the push had already counted as confirmed and the e-mail was lost
        ConfirmTracker.Push p = new ConfirmTracker.Push();
        tracker.published(p, 1);
        tracker.confirmed(1, false, true);
        assertThat(p.done).as("one of three messages confirmed").isNotDone();
        tracker.published(p, 2);
        tracker.published(p, 3);
        tracker.sealed(p);
        tracker.returned(2);
        tracker.returned(3);
        tracker.confirmed(3, true, true);

        assertThat(p.done).isCompletedWithValue(ConfirmTracker.Outcome.RETURNED);
    }

    @Test
    void aPushConfirmedInFullBeforeItIsSealedSucceedsWhenSealed() {
        ConfirmTracker.Push p = new ConfirmTracker.Push();
        tracker.published(p, 1);
        tracker.published(p, 2);
        tracker.confirmed(2, true, true);
        assertThat(p.done).isNotDone();

        tracker.sealed(p);

        assertThat(p.done).isCompletedWithValue(null);
    }

    @Test
    void aPushNackedBeforeItIsSealedFailsAtOnce() {
        ConfirmTracker.Push p = new ConfirmTracker.Push();
        tracker.published(p, 1);
        tracker.confirmed(1, false, false);

        assertThat(p.done).isCompletedWithValue(ConfirmTracker.Outcome.NACKED);
        tracker.sealed(p);
        assertThat(p.done).isCompletedWithValue(ConfirmTracker.Outcome.NACKED);
    }

    @Test
    void aPushCompletesOnlyOnceEveryOneOfItsMessagesIsConfirmed() {
        ConfirmTracker.Push p = published(1, 3);

        tracker.confirmed(1, false, true);
        tracker.confirmed(2, false, true);
        assertThat(p.done).isNotDone();

        tracker.confirmed(3, false, true);
        assertThat(p.done).isCompletedWithValue(null);
        assertThat(tracker.outstanding()).isZero();
    }

    @Test
    void severalPushesInFlightCompleteAsTheirOwnMessagesAreConfirmed() {
        ConfirmTracker.Push a = published(1, 3);
        ConfirmTracker.Push b = published(4, 6);
        ConfirmTracker.Push c = published(7, 9);

        tracker.confirmed(5, true, true); // a whole, b partly
        assertThat(a.done).isCompletedWithValue(null);
        assertThat(b.done).isNotDone();
        assertThat(c.done).isNotDone();

        tracker.confirmed(9, false, true);
        tracker.confirmed(8, false, true);
        tracker.confirmed(7, false, true);
        assertThat(c.done).isCompletedWithValue(null);
        assertThat(b.done).isNotDone();

        tracker.confirmed(6, false, true);
        assertThat(b.done).isCompletedWithValue(null);
    }

    @Test
    void aReturnedMessageFailsItsPushThoughTheBrokerAcksIt() {
        ConfirmTracker.Push returned = published(1, 3);
        ConfirmTracker.Push fine = published(4, 4);

        tracker.returned(2);
        tracker.confirmed(4, true, true);

        assertThat(returned.done).isCompletedWithValue(ConfirmTracker.Outcome.RETURNED);
        assertThat(fine.done).isCompletedWithValue(null);
    }

    @Test
    void aNackedMessageFailsItsPushAtOnceAndItsLaterConfirmsAreIgnored() {
        ConfirmTracker.Push p = published(1, 3);

        tracker.confirmed(1, false, false);
        assertThat(p.done).isCompletedWithValue(ConfirmTracker.Outcome.NACKED);
        assertThat(tracker.outstanding()).isZero();

        tracker.confirmed(3, true, true);
        assertThat(p.done).isCompletedWithValue(ConfirmTracker.Outcome.NACKED);
    }

    @Test
    void aChannelGoingDownFailsEveryOutstandingPush() {
        ConfirmTracker.Push done = published(1, 1);
        tracker.confirmed(1, false, true);
        ConfirmTracker.Push a = published(2, 3);
        ConfirmTracker.Push b = published(4, 5);

        tracker.failAll(new IOException("channel closed"));

        assertThat(done.done).isCompletedWithValue(null);
        assertThat(a.done).isCompletedExceptionally();
        assertThat(b.done).isCompletedExceptionally();
        assertThat(tracker.outstanding()).isZero();
    }

    @Test
    void aForgottenPushNoLongerWaitsForItsConfirms() {
        ConfirmTracker.Push timedOut = published(1, 2);
        ConfirmTracker.Push next = published(3, 3);

        tracker.forget(timedOut);
        assertThat(tracker.outstanding()).isEqualTo(1);
        tracker.confirmed(3, true, true);

        assertThat(timedOut.done).isNotDone();
        assertThat(next.done).isCompletedWithValue(null);
    }
}
