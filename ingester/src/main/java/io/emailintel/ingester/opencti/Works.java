package io.emailintel.ingester.opencti;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OpenCTI works as the ingester's journal in the platform's UI: one per fetch cycle per ingester instance
 * ({@code replay:<cycle>} for replayed e-mails), opened with {@code workAdd} on the cycle's first e-mail,
 * closed with {@code toProcessed} once the cycle has been quiet for the quiet period (or at shutdown), stating
 * what this ingester did with the cycle's e-mails: pushed to OpenCTI's queue, dead-lettered, handed back for a
 * later attempt. A work with a dead letter is closed {@code inError}.
 *
 * <p>A work never gets expectations and no push names it (docs/OPENCTI-WORKS.md says why): the platform's
 * worker drops every queued message whose work is no longer alive, and the platform closes works under a
 * connector on its own. So a work is only a report, and a work the platform has closed is not reported as done:
 * before {@code toProcessed} the ingester asks {@code isWorkAlive}; a work that is gone is logged and counted
 * ({@code emailintel_opencti_works_closed_by_platform_total}) instead. Opening a work never holds up an e-mail:
 * when {@code workAdd} fails the e-mail is pushed all the same and the work is tried again with an e-mail of
 * the cycle {@link #REOPEN_AFTER} later.
 *
 * <p>No lock is held across a call to the platform: the counts are guarded by this object's monitor, and
 * {@code workAdd}, {@code isWorkAlive} and {@code toProcessed} run outside it.
 */
public final class Works {

    private static final Logger log = LoggerFactory.getLogger(Works.class);

    private final WorkApi client;
    private final String connectorId;
    private final Clock clock;
    private final Duration quietPeriod;
    private final Counter closedByPlatform;
    private final Map<String, Work> open = new LinkedHashMap<>();
    /** Works taken off {@link #open} whose close could not be settled (the platform unreachable): tried again. */
    private final List<Work> unsettled = new ArrayList<>();

    /** After a failed {@code workAdd}, how long the cycle's e-mails go without a work before it is tried again. */
    static final Duration REOPEN_AFTER = Duration.ofSeconds(10);

    /** One work; its fields are guarded by the enclosing {@link Works}, except {@link #id}, published once. */
    public static final class Work {
        private final String key;
        private final String friendlyName;
        private volatile String id;
        private boolean opening;
        private Instant openFailedAt;
        private int inFlight;
        private int pushed;
        private int deadLettered;
        private int deferred;
        private int filtered;
        private Instant lastActivity;

        private Work(String key, String friendlyName, Instant now) {
            this.key = key;
            this.friendlyName = friendlyName;
            this.lastActivity = now;
        }

        /** The platform's id of this work, or null while it could not be opened. */
        public String id() {
            return id;
        }
    }

    /** What became of one e-mail. */
    public enum Outcome {
        /** Pushed to OpenCTI: the platform's broker confirmed every message (amqp) or stixBundlePush took it. */
        PUSHED,
        /** Dead-lettered, at any stage. */
        DEAD_LETTERED,
        /** Handed back for a later attempt: a retry tier, or the work queue. */
        DEFERRED,
        /** Skipped by a triage rule: acknowledged with no report. */
        FILTERED
    }

    /** What a closed work said, for logs and tests. */
    record Summary(int pushed, int deadLettered, int deferred, int filtered) {
        String message() {
            StringBuilder m = new StringBuilder().append(pushed)
                    .append(" e-mail(s) pushed to OpenCTI's queue (imported asynchronously by the platform)");
            if (deadLettered > 0) {
                m.append(", ").append(deadLettered).append(" dead-lettered (see the ingester's dead-letter queue)");
            }
            if (deferred > 0) {
                m.append(", ").append(deferred).append(" handed back for a later attempt (retry tier or work queue)");
            }
            if (filtered > 0) {
                m.append(", ").append(filtered).append(" skipped by a triage rule (no report)");
            }
            return m.toString();
        }
    }

    public Works(WorkApi client, String connectorId, Clock clock, Duration quietPeriod, MeterRegistry registry) {
        this.client = client;
        this.connectorId = connectorId;
        this.clock = clock;
        this.quietPeriod = quietPeriod;
        this.closedByPlatform = Counter.builder("emailintel.opencti.works.closed.by.platform")
                .description("OpenCTI works found closed by the platform (swept or deleted) when the ingester "
                        + "came to close them; no push names a work, so none of their e-mails was dropped")
                .register(registry);
    }

    /**
     * The work for a cycle, opened on the platform if it is not yet; the caller must {@link #finish} it. Never
     * fails: a work that cannot be opened now is tried again {@link #REOPEN_AFTER} later. While the cycle's work
     * is being opened by another thread, waits for it (no lock is held meanwhile).
     *
     * @param key          the fetch cycle id ({@code replay:<cycle>} for replayed e-mails)
     * @param friendlyName the name shown in OpenCTI
     */
    public Work begin(String key, String friendlyName) {
        Work w;
        boolean mustOpen;
        synchronized (this) {
            w = open.computeIfAbsent(key, k -> new Work(k, friendlyName, clock.instant()));
            w.inFlight++;
            w.lastActivity = clock.instant();
            // e-mails of a cycle whose work is being opened wait for its id (the api protocol names it), without
            // holding the monitor: wait() releases it
            while (w.opening) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return w;
                }
            }
            mustOpen = w.id == null && (w.openFailedAt == null
                    || !clock.instant().isBefore(w.openFailedAt.plus(REOPEN_AFTER)));
            if (mustOpen) {
                w.opening = true;
            }
        }
        if (mustOpen) {
            openOnPlatform(w);
        }
        return w;
    }

    private void openOnPlatform(Work w) {
        String id = null;
        try {
            id = client.workAdd(connectorId, w.friendlyName);
            log.info("opened OpenCTI work {} for {}", id, w.key);
        } catch (OpenCtiException | RuntimeException e) {
            log.warn("could not open an OpenCTI work for {} ({}); its e-mails are pushed all the same (no amqp push "
                    + "names a work) and the work is tried again in {}", w.key, e.getMessage(), REOPEN_AFTER);
        } finally {
            synchronized (this) {
                w.id = id;
                w.openFailedAt = id == null ? clock.instant() : null;
                w.opening = false;
                notifyAll();
            }
        }
    }

    /** One e-mail of the work is done. */
    public synchronized void finish(Work w, Outcome outcome) {
        w.inFlight--;
        w.lastActivity = clock.instant();
        switch (outcome) {
            case PUSHED -> w.pushed++;
            case DEAD_LETTERED -> w.deadLettered++;
            case DEFERRED -> w.deferred++;
            case FILTERED -> w.filtered++;
        }
    }

    /** Closes works that have nothing in flight and have been quiet for the quiet period. */
    public void closeQuiet() {
        for (Work w : takeClosable(false)) {
            close(w, false);
        }
    }

    /** Closes every work with nothing in flight (shutdown); a close that cannot be settled is given up. */
    public void closeAll() {
        for (Work w : takeClosable(true)) {
            close(w, true);
        }
    }

    private synchronized List<Work> takeClosable(boolean all) {
        List<Work> due = new ArrayList<>(unsettled);
        unsettled.clear();
        Instant quietSince = clock.instant().minus(quietPeriod);
        for (var it = open.values().iterator(); it.hasNext(); ) {
            Work w = it.next();
            // a work still being opened is left alone: its id is about to arrive
            if (w.inFlight == 0 && !w.opening && (all || !w.lastActivity.isAfter(quietSince))) {
                it.remove(); // a later e-mail of the same cycle opens a new work: none holds push messages
                due.add(w);
            }
        }
        return due;
    }

    private void close(Work w, boolean atShutdown) {
        Summary summary;
        synchronized (this) {
            summary = new Summary(w.pushed, w.deadLettered, w.deferred, w.filtered);
        }
        String id = w.id;
        if (id == null) {
            log.warn("no OpenCTI work could be opened for {}; not shown in OpenCTI: {}", w.key, summary.message());
            return;
        }
        boolean alive;
        try {
            alive = client.isWorkAlive(id);
        } catch (OpenCtiException | RuntimeException e) {
            unsettledClose(w, atShutdown, "could not ask whether it is alive", e);
            return;
        }
        if (!alive) {
            closedByPlatform.increment();
            log.warn("OpenCTI work {} for {} was closed by the platform before this ingester closed it (swept by "
                    + "the connector manager, or deleted in the UI); not reporting it as done. No push names a "
                    + "work, so the platform dropped none of its e-mails: {}", id, w.key, summary.message());
            return;
        }
        try {
            client.toProcessed(id, summary.message(), summary.deadLettered() > 0);
            log.info("closed OpenCTI work {} for {}: {}", id, w.key, summary.message());
        } catch (OpenCtiException | RuntimeException e) {
            unsettledClose(w, atShutdown, "could not close it", e);
        }
    }

    private void unsettledClose(Work w, boolean atShutdown, String what, Exception e) {
        boolean again = e instanceof OpenCtiException o && o.isTransient();
        if (atShutdown || !again) {
            log.warn("OpenCTI work {} for {}: {} ({}); given up, it stays open in the platform: {}", w.id, w.key,
                    what, e.getMessage(), atShutdown ? "shutting down" : "the platform refused");
            return;
        }
        log.warn("OpenCTI work {} for {}: {} ({}); trying again", w.id, w.key, what, e.getMessage());
        synchronized (this) {
            unsettled.add(w);
        }
    }

    /** Works open or waiting to be closed. */
    public synchronized int openCount() {
        return open.size() + unsettled.size();
    }
}
