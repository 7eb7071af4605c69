package io.emailintel.ingester.opencti;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class WorksTest {

    /** Records the platform calls in order; fails addExpectations while {@code down}. */
    private static final class RecordingApi implements WorkApi {
        final List<String> calls = new CopyOnWriteArrayList<>();
        volatile boolean down;

        @Override
        public String workAdd(String connectorId, String friendlyName) {
            calls.add("workAdd");
            return "work-1";
        }

        @Override
        public void addExpectations(String workId, int expectations) throws OpenCtiException {
            if (down) {
                throw OpenCtiException.unavailable("opencti-http-503", "down", null);
            }
            calls.add("addExpectations " + expectations);
        }

        @Override
        public void toProcessed(String workId, String message, boolean inError) {
            calls.add("toProcessed");
        }
    }

    private final RecordingApi api = new RecordingApi();
    private final Works works = new Works(api, "c", Clock.fixed(Instant.parse("2026-11-28T10:00:00Z"), ZoneOffset.UTC),
            Duration.ZERO);

    @Test
    void expectationsAreCountedPerEmailAndRegisteredInOneCallPerFlush() throws Exception {
        for (int i = 0; i < 3; i++) {
            Works.Work w = works.begin("cycle", "name");
            works.expect(w, 3);
        }
        assertThat(api.calls).containsExactly("workAdd");

        works.flushExpectations();
        works.flushExpectations();

        assertThat(api.calls).containsExactly("workAdd", "addExpectations 9");
        assertThat(works.unregisteredExpectations()).isZero();
    }

    @Test
    void aWorkIsClosedOnlyAfterItsRemainingExpectationsAreRegistered() throws Exception {
        Works.Work w = works.begin("cycle", "name");
        works.expect(w, 3);
        works.finish(w, Works.Outcome.INGESTED);

        works.closeQuiet();

        assertThat(api.calls).containsExactly("workAdd", "addExpectations 3", "toProcessed");
        assertThat(works.openCount()).isZero();
    }

    @Test
    void whenTheRemainderCannotBeRegisteredTheWorkStaysOpenWithItsCount() throws Exception {
        Works.Work w = works.begin("cycle", "name");
        works.expect(w, 3);
        works.finish(w, Works.Outcome.INGESTED);
        api.down = true;

        works.flushExpectations();
        works.closeQuiet();
        assertThat(api.calls).containsExactly("workAdd");
        assertThat(works.openCount()).isEqualTo(1);
        assertThat(works.unregisteredExpectations()).isEqualTo(3);

        api.down = false;
        works.closeQuiet();
        assertThat(api.calls).containsExactly("workAdd", "addExpectations 3", "toProcessed");
    }

    @Test
    void shutdownRegistersTheExpectationsOfWorksStillInFlightWithoutClosingThem() throws Exception {
        Works.Work busy = works.begin("cycle", "name");
        works.expect(busy, 3);

        works.closeAll();

        assertThat(api.calls).containsExactly("workAdd", "addExpectations 3");
        assertThat(works.openCount()).isEqualTo(1);
    }
}
