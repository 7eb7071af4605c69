package io.emailintel.ingester.opencti;

import io.emailintel.ingester.stix.StixBundle;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;

/**
 * {@code CONNECTOR_VALIDATE_BEFORE_IMPORT=true}: every bundle goes to analyst review instead of being imported.
 * pycti's {@code send_stix2_bundle} (pycti/connector/opencti_connector_helper.py, 6.8), for a connector whose
 * validation mode is the default "workbench", uploads the bundle as a pending file with {@code uploadPending}
 * (mime type {@code application/json}) and pushes nothing: no message on the platform's queue, no expectation.
 * An analyst then reviews it in an analyst workbench and imports it, or not.
 *
 * <p>One file per e-mail, named after its report id, so a replay replaces the same pending file instead of
 * adding a second one. The file carries the report's TLP marking ({@code file_markings}): the pending file is
 * the whole report, attachments included, and pycti leaves it unmarked.
 */
public final class PendingFileSink implements BundleSink {

    private final OpenCtiClient client;
    private final List<String> fileMarkings;
    /** The uploads run here, never on the caller's thread (see {@link BundleSink#push}). */
    private final ExecutorService uploads;

    public PendingFileSink(OpenCtiClient client, String tlpMarkingId) {
        this.client = client;
        this.fileMarkings = List.of(tlpMarkingId);
        this.uploads = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "opencti-pending-upload");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public CompletableFuture<Void> push(String workId, StixBundle bundle) {
        try {
            return CompletableFuture.runAsync(() -> {
                try {
                    client.uploadPending(fileName(bundle), bundle.toJson().getBytes(StandardCharsets.UTF_8),
                            "application/json", fileMarkings);
                } catch (OpenCtiException e) {
                    throw new CompletionException(e);
                }
            }, uploads);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(OpenCtiException.unavailable("opencti-push-unconfirmed",
                    "the ingester is stopping", e));
        }
    }

    @Override
    public void close() {
        uploads.shutdownNow();
    }

    static String fileName(StixBundle bundle) {
        return bundle.reportId() + ".json";
    }
}
