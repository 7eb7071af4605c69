package io.emailintel.ingester.opencti;

import io.emailintel.ingester.stix.StixBundle;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code CONNECTOR_QUEUE_PROTOCOL=api}: the whole bundle through {@code stixBundlePush}, naming the cycle's work.
 *
 * <p>The platform gives every bundle pushed this way a work: the one named, or, without {@code work_id}, a new
 * one per call ("{@code <connector> run @ <now>}", opencti-graphql {@code src/domain/connector.js}
 * {@code sendStixBundle}/{@code submitUntrackedBatch}). It then enqueues the whole bundle with that work id; its
 * worker splits it and adds the expectations itself (opencti-worker {@code src/push_handler.py}), so we add
 * none. Omitting the work id would make one platform work per e-mail, each closed by the connector manager as
 * soon as a newer one reports — the worst case for the sweep — so the cycle's work is named instead. The api
 * protocol therefore stays exposed to the sweep when works overlap in a queue that is behind
 * (docs/OPENCTI-WORKS.md); the amqp protocol is not.
 *
 * <p>The HTTP call runs on threads of its own, never on the caller's: a retried push is started from the
 * threads that settle deliveries, which must not wait for OpenCTI.
 */
public final class ApiBundleSink implements BundleSink {

    private static final Logger log = LoggerFactory.getLogger(ApiBundleSink.class);

    private final OpenCtiClient client;
    private final String connectorId;
    private final ExecutorService calls;

    public ApiBundleSink(OpenCtiClient client, String connectorId) {
        this.client = client;
        this.connectorId = connectorId;
        AtomicInteger n = new AtomicInteger();
        // unbounded by itself, bounded in practice: at most INGESTER_PREFETCH pushes are outstanding at once
        this.calls = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "opencti-api-push-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        log.warn("CONNECTOR_QUEUE_PROTOCOL=api: OpenCTI gives every stixBundlePush a work, and its worker drops the "
                + "queued bundles of a work its connector manager has closed; with several ingesters or a platform "
                + "queue that is behind, use the amqp protocol (docs/OPENCTI-WORKS.md)");
    }

    @Override
    public CompletableFuture<Void> push(String workId, StixBundle bundle) {
        try {
            return CompletableFuture.runAsync(() -> {
                try {
                    client.bundlePush(connectorId, workId, bundle.toJson());
                } catch (OpenCtiException e) {
                    throw new CompletionException(e);
                }
            }, calls);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(OpenCtiException.unavailable("opencti-push-unconfirmed",
                    "the ingester is stopping", e));
        }
    }

    @Override
    public void close() {
        calls.shutdownNow();
    }
}
