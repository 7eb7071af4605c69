package io.emailintel.ingester.opencti;

import io.emailintel.ingester.stix.StixBundle;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code CONNECTOR_QUEUE_PROTOCOL=api}: the whole bundle through {@code stixBundlePush}. The HTTP call runs on
 * threads of its own, never on the caller's: a retried push is started from the threads that settle
 * deliveries, which must not wait for OpenCTI.
 */
public final class ApiBundleSink implements BundleSink {

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
    }

    @Override
    public int expectations(StixBundle bundle) {
        return 1;
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
