package io.emailintel.ingester.attachments;

/** A container that is left closed, and why (for the report's description; never holds a password). */
final class Refused extends Exception {

    Refused(String reason) {
        super(reason, null, false, false);
    }

    String reason() {
        return getMessage();
    }
}
