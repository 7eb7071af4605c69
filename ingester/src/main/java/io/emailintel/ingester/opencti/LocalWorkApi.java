package io.emailintel.ingester.opencti;

import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Works without a platform (directory output): local ids, never closed by anyone else, progress only in the log. */
public final class LocalWorkApi implements WorkApi {

    private static final Logger log = LoggerFactory.getLogger(LocalWorkApi.class);

    @Override
    public String workAdd(String connectorId, String friendlyName) {
        return "local-" + UUID.randomUUID();
    }

    @Override
    public boolean isWorkAlive(String workId) {
        return true;
    }

    @Override
    public void toProcessed(String workId, String message, boolean inError) {
        log.info("work {} done: {}", workId, message);
    }
}
