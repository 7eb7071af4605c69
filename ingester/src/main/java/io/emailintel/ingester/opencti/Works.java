package io.emailintel.ingester.opencti;

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
 * OpenCTI works (the progress entries in the platform's UI): one per fetch cycle per ingester, opened on the
 * first envelope of the cycle, closed once the cycle has been quiet for the quiet period (or at shutdown).
 * A work with a final failure is closed {@code inError}.
 *
 * <p>Expectations (pycti: one per push message) are counted per work as messages are published and
 * registered in batches by {@link #flushExpectations()} (every {@link #FLUSH_INTERVAL} from the ingester's
 * timer), instead of one {@code addExpectations} round trip per e-mail in front of every push; whatever is
 * still counted is registered before a work is closed, so a closed work's expectations are complete. Flushes
 * and closes are serialised, so an {@code addExpectations} never lands after the {@code toProcessed} of its work.
 */
public final class Works {

    private static final Logger log = LoggerFactory.getLogger(Works.class);

    private final WorkApi client;
    private final String connectorId;
    private final Clock clock;
    private final Duration quietPeriod;
    private final Map<String, Work> open = new LinkedHashMap<>();
    /** Held while talking to the platform about expectations and closes, so their order holds. */
    private final Object platformLock = new Object();

    /** How often the ingester registers counted expectations. */
    public static final Duration FLUSH_INTERVAL = Duration.ofMillis(500);

    /** One open work; counts are guarded by the enclosing {@link Works}. */
    public static final class Work {
        private final String key;
        private final String id;
        private int inFlight;
        private int ingested;
        private int failed;
        private int unregistered;
        private Instant lastActivity;

        private Work(String key, String id, Instant now) {
            this.key = key;
            this.id = id;
            this.lastActivity = now;
        }

        public String id() {
            return id;
        }
    }

    public Works(WorkApi client, String connectorId, Clock clock, Duration quietPeriod) {
        this.client = client;
        this.connectorId = connectorId;
        this.clock = clock;
        this.quietPeriod = quietPeriod;
    }

    /**
     * The open work for a cycle, created if needed; the caller must {@link #finish} it.
     *
     * @param key          the fetch cycle id ({@code replay:<cycle>} for replayed e-mails)
     * @param friendlyName the name shown in OpenCTI
     */
    public synchronized Work begin(String key, String friendlyName) throws OpenCtiException {
        Work w = open.get(key);
        if (w == null) {
            String id = client.workAdd(connectorId, friendlyName);
            w = new Work(key, id, clock.instant());
            open.put(key, w);
            log.info("opened OpenCTI work {} for {}", id, key);
        }
        w.inFlight++;
        w.lastActivity = clock.instant();
        return w;
    }

    /**
     * Counts messages about to be pushed into the work; they are registered with the platform by the next
     * {@link #flushExpectations()} or when the work is closed, whichever comes first.
     */
    public synchronized void expect(Work w, int expectations) {
        w.unregistered += expectations;
    }

    /** Registers the expectations counted so far, one call per work that has any; kept for later on failure. */
    public void flushExpectations() {
        synchronized (platformLock) {
            List<Work> works;
            synchronized (this) {
                works = new ArrayList<>(open.values());
            }
            for (Work w : works) {
                register(w);
            }
        }
    }

    /** Registers {@code w}'s counted expectations; false (and they stay counted) when the platform refused. */
    private boolean register(Work w) {
        int n;
        synchronized (this) {
            n = w.unregistered;
            w.unregistered = 0;
        }
        if (n == 0) {
            return true;
        }
        try {
            client.addExpectations(w.id, n);
            return true;
        } catch (OpenCtiException e) {
            synchronized (this) {
                w.unregistered += n;
            }
            log.warn("could not register {} expectation(s) with OpenCTI work {} ({}); trying again later", n, w.id,
                    e.getMessage());
            return false;
        }
    }

    /** Expectations counted and not registered yet, over all open works. */
    public synchronized int unregisteredExpectations() {
        return open.values().stream().mapToInt(w -> w.unregistered).sum();
    }

    /** One e-mail of the work is done: ingested, or finally failed (dead-lettered), or handed back for later. */
    public synchronized void finish(Work w, Outcome outcome) {
        w.inFlight--;
        w.lastActivity = clock.instant();
        if (outcome == Outcome.INGESTED) {
            w.ingested++;
        } else if (outcome == Outcome.FAILED) {
            w.failed++;
        }
    }

    /** What became of one e-mail. */
    public enum Outcome { INGESTED, FAILED, DEFERRED }

    /** Closes works that have nothing in flight and have been quiet for the quiet period. */
    public void closeQuiet() {
        closeWhere(false);
    }

    /** Registers every counted expectation and closes every work with nothing in flight (shutdown). */
    public void closeAll() {
        flushExpectations();
        closeWhere(true);
    }

    private void closeWhere(boolean all) {
        synchronized (platformLock) {
            closeWhereLocked(all);
        }
    }

    private void closeWhereLocked(boolean all) {
        List<Work> candidates = new ArrayList<>();
        synchronized (this) {
            for (Work w : open.values()) {
                if (closable(w, all)) {
                    candidates.add(w);
                }
            }
        }
        for (Work w : candidates) {
            // the remainder first: a closed work has all its expectations
            boolean registered = register(w);
            if (!registered && !all) {
                continue; // stays open with its count; tried again next time
            }
            synchronized (this) {
                // an e-mail of this cycle may have begun meanwhile: then the work stays open for it
                if (!closable(w, all) || open.get(w.key) != w) {
                    continue;
                }
                open.remove(w.key);
            }
            if (!registered) {
                log.warn("closing OpenCTI work {} at shutdown without {} expectation(s) the platform did not take",
                        w.id, w.unregistered);
            }
            String message = w.ingested + " e-mail(s) ingested" + (w.failed > 0 ? ", " + w.failed
                    + " dead-lettered (see the ingester's dead-letter queue)" : "");
            try {
                client.toProcessed(w.id, message, w.failed > 0);
                log.info("closed OpenCTI work {} for {}: {}", w.id, w.key, message);
            } catch (OpenCtiException e) {
                log.warn("could not close OpenCTI work {} ({}); it stays open in the platform", w.id, e.getMessage());
            }
        }
    }

    /** Call holding this object's lock. */
    private boolean closable(Work w, boolean all) {
        return w.inFlight == 0 && (all || !w.lastActivity.isAfter(clock.instant().minus(quietPeriod)));
    }

    public synchronized int openCount() {
        return open.size();
    }
}
