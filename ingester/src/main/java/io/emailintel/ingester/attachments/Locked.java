package io.emailintel.ingester.attachments;

/** An archive that needs a password, or that the password tried did not open. */
final class Locked extends Exception {

    Locked() {
        super(null, null, false, false);
    }
}
