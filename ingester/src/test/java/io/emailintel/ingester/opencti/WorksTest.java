package io.emailintel.ingester.opencti;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class WorksTest {

    /** Records the platform calls in order; can fail, block, or say a work is gone. */
    private static final class RecordingApi implements WorkApi {
        final List<String> calls = new CopyOnWriteArrayList<>();
        volatile boolean downForWorkAdd;
        volatile boolean downForAlive;
        volatile boolean alive = true;
        volatile CountDownLatch workAddBlocksUntil;
        final CountDownLatch workAddEntered = new CountDownLatch(1);
        private int next;

        @Override
        public String workAdd(String connectorId, String friendlyName) throws OpenCtiException {
            workAddEntered.countDown();
            CountDownLatch gate = workAddBlocksUntil;
            if (gate != null) {
                try {
                    gate.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (downForWorkAdd) {
                throw OpenCtiException.unavailable("opencti-http-503", "down", null);
            }
            String id;
            synchronized (this) {
                id = "work-" + (++next);
            }
            calls.add("workAdd " + friendlyName + " -> " + id);
            return id;
        }

        @Override
        public boolean isWorkAlive(String workId) throws OpenCtiException {
            if (downForAlive) {
                throw OpenCtiException.unavailable("opencti-http-503", "down", null);
            }
            calls.add("isWorkAlive " + workId);
            return alive;
        }

        @Override
        public void toProcessed(String workId, String message, boolean inError) {
            calls.add("toProcessed " + workId + " inError=" + inError + " " + message);
        }
    }

    private final RecordingApi api = new RecordingApi();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final Works works = new Works(api, "c", Clock.fixed(Instant.parse("2026-11-28T10:00:00Z"),
            ZoneOffset.UTC), Duration.ZERO, registry);
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final Logger worksLog = (Logger) LoggerFactory.getLogger(Works.class);

    WorksTest() {
        logs.start();
        worksLog.addAppender(logs);
    }

    @AfterEach
    void detach() {
        worksLog.detachAppender(logs);
    }

    private double closedByPlatform() {
        return registry.get("emailintel.opencti.works.closed.by.platform").counter().count();
    }

    @Test
    void aCycleIsOneWorkClosedWithTheIngestersHonestCounts() {
        Works.Work a = works.begin("cycle-1", "Email Intel fetch cycle cycle-1");
        Works.Work b = works.begin("cycle-1", "Email Intel fetch cycle cycle-1");
        Works.Work c = works.begin("cycle-1", "Email Intel fetch cycle cycle-1");
        assertThat(a).isSameAs(b).isSameAs(c);
        works.finish(a, Works.Outcome.PUSHED);
        works.finish(b, Works.Outcome.PUSHED);
        works.finish(c, Works.Outcome.DEFERRED);

        works.closeQuiet();

        assertThat(api.calls).containsExactly("workAdd Email Intel fetch cycle cycle-1 -> work-1",
                "isWorkAlive work-1", "toProcessed work-1 inError=false 2 e-mail(s) pushed to OpenCTI's queue "
                        + "(imported asynchronously by the platform), 1 handed back for a later attempt "
                        + "(retry tier or work queue)");
        assertThat(works.openCount()).isZero();
    }

    @Test
    void aDeadLetterMarksItsWorkInError() {
        Works.Work w = works.begin("cycle-1", "n");
        works.begin("cycle-1", "n");
        works.finish(w, Works.Outcome.PUSHED);
        works.finish(w, Works.Outcome.DEAD_LETTERED);

        works.closeQuiet();

        assertThat(api.calls).last().asString().startsWith("toProcessed work-1 inError=true 1 e-mail(s) pushed")
                .contains("1 dead-lettered (see the ingester's dead-letter queue)");
    }

    @Test
    void aWorkWithAnEmailInFlightStaysOpen() {
        Works.Work w = works.begin("cycle-1", "n");

        works.closeQuiet();

        assertThat(api.calls).noneMatch(c -> c.startsWith("toProcessed"));
        works.finish(w, Works.Outcome.PUSHED);
        works.closeQuiet();
        assertThat(api.calls).anyMatch(c -> c.startsWith("toProcessed work-1"));
    }

    @Test
    void aWorkClosedByThePlatformIsNotReportedAsDoneButLoggedAndCounted() {
        Works.Work w = works.begin("cycle-1", "n");
        works.finish(w, Works.Outcome.PUSHED);
        api.alive = false; // swept by the connector manager, or deleted in the UI

        works.closeQuiet();

        assertThat(api.calls).noneMatch(c -> c.startsWith("toProcessed"));
        assertThat(closedByPlatform()).isEqualTo(1.0);
        assertThat(logs.list).anySatisfy(e -> {
            assertThat(e.getLevel()).isEqualTo(ch.qos.logback.classic.Level.WARN);
            assertThat(e.getFormattedMessage()).contains("work-1", "cycle-1", "closed by the platform",
                    "dropped none", "1 e-mail(s) pushed");
        });
        assertThat(works.openCount()).isZero();
    }

    @Test
    void anUnanswerableLivenessCheckIsTriedAgainAndNeverTakenForSuccess() {
        Works.Work w = works.begin("cycle-1", "n");
        works.finish(w, Works.Outcome.PUSHED);
        api.downForAlive = true;

        works.closeQuiet();

        assertThat(api.calls).noneMatch(c -> c.startsWith("toProcessed"));
        assertThat(works.openCount()).isEqualTo(1);
        api.downForAlive = false;
        works.closeQuiet();
        assertThat(api.calls).last().asString().startsWith("toProcessed work-1");
    }

    @Test
    void aWorkThatCannotBeOpenedNeverHoldsUpAnEmailAndIsTriedAgainLater() {
        MutableClock clock = new MutableClock();
        Works works = new Works(api, "c", clock, Duration.ZERO, registry);
        api.downForWorkAdd = true;
        Works.Work first = works.begin("cycle-1", "n");
        assertThat(first.id()).isNull();
        api.downForWorkAdd = false;

        assertThat(works.begin("cycle-1", "n").id()).as("not retried at once").isNull();
        clock.now = clock.now.plus(Works.REOPEN_AFTER);
        Works.Work later = works.begin("cycle-1", "n");

        assertThat(later).isSameAs(first);
        assertThat(later.id()).isEqualTo("work-1");
    }

    @Test
    void noLockIsHeldWhileThePlatformIsAskedToOpenAWork() throws Exception {
        Works.Work done = works.begin("cycle-0", "n");
        api.workAddBlocksUntil = new CountDownLatch(1);
        CompletableFuture<Works.Work> slow = CompletableFuture.supplyAsync(() -> works.begin("cycle-1", "n"));
        assertThat(api.workAddEntered.await(5, TimeUnit.SECONDS)).isTrue();

        // while workAdd hangs: an e-mail of another cycle finishes, its work closes, a third cycle begins
        CompletableFuture.runAsync(() -> {
            works.finish(done, Works.Outcome.PUSHED);
            works.closeQuiet();
        }).get(5, TimeUnit.SECONDS);
        CompletableFuture<Works.Work> waiting = CompletableFuture.supplyAsync(() -> works.begin("cycle-1", "n"));

        assertThat(api.calls).anyMatch(c -> c.startsWith("toProcessed work-"));
        api.workAddBlocksUntil.countDown();
        Works.Work opened = slow.get(5, TimeUnit.SECONDS);
        // the cycle's other e-mail waited for the id instead of pushing without it
        assertThat(waiting.get(5, TimeUnit.SECONDS)).isSameAs(opened);
        assertThat(opened.id()).isNotNull();
    }

    private static final class MutableClock extends Clock {
        volatile Instant now = Instant.parse("2026-11-28T10:00:00Z");

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void noWorkEverGetsExpectations() {
        assertThat(WorkApi.class.getMethods()).extracting(java.lang.reflect.Method::getName)
                .containsExactlyInAnyOrder("workAdd", "isWorkAlive", "toProcessed");
    }
}
