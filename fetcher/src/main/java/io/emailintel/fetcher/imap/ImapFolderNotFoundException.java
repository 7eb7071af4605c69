package io.emailintel.fetcher.imap;

/** IMAP_FOLDER names no folder on the server; the message lists those that exist. Nothing a retry can fix. */
public final class ImapFolderNotFoundException extends RuntimeException {

    public ImapFolderNotFoundException(String message) {
        super(message);
    }
}
