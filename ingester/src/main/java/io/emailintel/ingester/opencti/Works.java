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
 */
public final class Works {

    private static final Logger log = LoggerFactory.getLogger(Works.class);

    private final WorkApi client;
    private final String connectorId;
    private final Clock clock;
    private final Duration quietPeriod;
    private final Map<String, Work> open = new LinkedHashMap<>();

    /** One open work; counts are guarded by the enclosing {@link Works}. */
    public static final class Work {
        private final String key;
        private final String id;
        private int inFlight;
        private int ingested;
        private int failed;
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

    /** Announces messages about to be pushed into the work (before the push, as pycti). */
    public void expect(Work w, int expectations) throws OpenCtiException {
        client.addExpectations(w.id, expectations);
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

    /** Closes every work with nothing in flight (shutdown). */
    public void closeAll() {
        closeWhere(true);
    }

    private void closeWhere(boolean all) {
        List<Work> toClose = new ArrayList<>();
        synchronized (this) {
            Instant cutoff = clock.instant().minus(quietPeriod);
            for (var it = open.values().iterator(); it.hasNext(); ) {
                Work w = it.next();
                if (w.inFlight == 0 && (all || !w.lastActivity.isAfter(cutoff))) {
                    toClose.add(w);
                    it.remove();
                }
            }
        }
        for (Work w : toClose) {
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

    public synchronized int openCount() {
        return open.size();
    }
}
