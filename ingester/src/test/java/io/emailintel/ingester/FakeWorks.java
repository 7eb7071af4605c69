package io.emailintel.ingester;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The platform's work lifecycle, for {@link FakeOpenCti}. Each rule cites where OpenCTI has it (opencti-graphql,
 * 6.8–6.9 and main):
 * <ul>
 *   <li>{@code workAdd} creates a work with status {@code wait}, {@code import_expected_number} 0, and an id
 *       {@code work_<connectorId>_<timestamp>} ({@code src/domain/work.js} {@code createWork},
 *       {@code generateWorkId}); it is initialised in Redis ({@code redisInitializeWork}), and
 *       {@code isWorkAlive} is true while that Redis entry exists ({@code work.js} {@code isWorkAlive}).</li>
 *   <li>{@code addExpectations} adds to the expected number; on a work that is not alive it changes nothing
 *       ({@code work.js} {@code updateExpectationsNumber}).</li>
 *   <li>{@code reportExpectation} (the worker, after each imported message) adds one processed, and makes that
 *       work the connector's <em>status</em> work, {@code work:<connectorId>} ({@code src/database/redis.ts}
 *       {@code redisUpdateWorkFigures}); it completes the work when processed reaches expected.</li>
 *   <li>{@code toProcessed} completes a work whose expected number is 0 or reached ({@code work.js}
 *       {@code updateProcessedTime}: {@code import_expected_number === 0 || isComplete} in 6.x,
 *       {@code total >= expected} on main), and records the message (as an error when {@code inError}).</li>
 *   <li>The connector manager, every {@code connector_manager:interval} (60 s by default), force-completes every
 *       {@code wait}/{@code progress} work of a connector created before its status work and deletes its Redis
 *       entry ({@code src/manager/connectorManager.js} {@code closeOldWorks}): from then on it is not alive.</li>
 *   <li>Deleting a work in the UI deletes its Redis entry too ({@code work.js} {@code deleteWorksRaw}).</li>
 * </ul>
 */
final class FakeWorks {

    /** One work as the platform stores it: its Elastic document and, while {@link #alive}, its Redis entry. */
    static final class PlatformWork {
        final String id;
        final String connectorId;
        final String name;
        final long timestamp;
        String status;
        int expected;
        int processed;
        boolean alive = true;
        boolean swept;
        final List<String> messages = new ArrayList<>();
        final List<String> errors = new ArrayList<>();

        PlatformWork(String id, String connectorId, String name, long timestamp, String status) {
            this.id = id;
            this.connectorId = connectorId;
            this.name = name;
            this.timestamp = timestamp;
            this.status = status;
        }
    }

    private final Map<String, PlatformWork> works = new LinkedHashMap<>();
    private final Map<String, String> statusWorkByConnector = new LinkedHashMap<>();
    private long lastTimestamp;

    synchronized PlatformWork create(String connectorId, String name, boolean received) {
        // strictly increasing, so that "created before" is never a tie
        long timestamp = Math.max(System.currentTimeMillis(), lastTimestamp + 1);
        lastTimestamp = timestamp;
        PlatformWork w = new PlatformWork("work_" + connectorId + "_" + timestamp, connectorId, name, timestamp,
                received ? "progress" : "wait");
        works.put(w.id, w);
        return w;
    }

    synchronized boolean isAlive(String id) {
        PlatformWork w = works.get(id);
        return w != null && w.alive;
    }

    /** The worker's {@code add_expectations}: false when the work is not alive (the message is then dropped). */
    synchronized boolean addExpectations(String id, int n) {
        PlatformWork w = works.get(id);
        if (w == null || !w.alive) {
            return false;
        }
        w.expected += n;
        return true;
    }

    synchronized void reportExpectation(String id, String error) {
        PlatformWork w = works.get(id);
        if (w == null) {
            return;
        }
        statusWorkByConnector.put(w.connectorId, id);
        if (!w.alive) {
            return;
        }
        w.processed++;
        if (error != null) {
            w.errors.add(error);
        }
        if (w.processed >= w.expected) {
            w.status = "complete";
        }
    }

    synchronized void toProcessed(String id, String message, boolean inError) {
        PlatformWork w = works.get(id);
        if (w == null) {
            return;
        }
        if (w.expected == 0 || w.processed >= w.expected) {
            w.status = "complete";
        }
        (inError ? w.errors : w.messages).add(message);
    }

    /** The connector manager's pass; returns the works it closed. */
    synchronized List<PlatformWork> sweep() {
        List<PlatformWork> closed = new ArrayList<>();
        for (Map.Entry<String, String> status : statusWorkByConnector.entrySet()) {
            long cutoff = works.get(status.getValue()).timestamp;
            for (PlatformWork w : works.values()) {
                if (w.connectorId.equals(status.getKey()) && w.timestamp < cutoff
                        && (w.status.equals("wait") || w.status.equals("progress"))) {
                    w.status = "complete";
                    w.alive = false;
                    w.swept = true;
                    closed.add(w);
                }
            }
        }
        return closed;
    }

    /** Deleting the work in the UI. */
    synchronized void delete(String id) {
        PlatformWork w = works.remove(id);
        if (w != null) {
            w.alive = false;
        }
    }

    synchronized PlatformWork get(String id) {
        return works.get(id);
    }

    synchronized List<PlatformWork> all() {
        return new ArrayList<>(works.values());
    }
}
