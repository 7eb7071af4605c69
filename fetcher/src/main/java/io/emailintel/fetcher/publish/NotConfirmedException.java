package io.emailintel.fetcher.publish;

import java.io.IOException;

/**
 * The broker did not confirm a publish: it returned it (no queue bound), refused it (nack), the channel went down
 * before its confirm, or the confirm did not come in time. The cursor stays before it; the next cycle sends it
 * again.
 */
public final class NotConfirmedException extends IOException {

    public NotConfirmedException(String message) {
        super(message);
    }

    public NotConfirmedException(String message, Throwable cause) {
        super(message, cause);
    }
}
