package io.emailintel.ingester.attachments;

/**
 * A password to try and where it came from. {@link #toString} never shows the secret: the report and the logs
 * may name the source, never the password.
 *
 * @param secret the password
 * @param source where it came from, e.g. "INGESTER_ARCHIVE_PASSWORDS entry 2"
 */
record Password(String secret, String source) {

    @Override
    public String toString() {
        return "Password[" + source + "]";
    }
}
