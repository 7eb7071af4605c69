package io.emailintel.fetcher.imap;

import java.io.IOException;

/** IMAP_FOLDER names no folder on the server; the message lists those that exist. Nothing a retry can fix. */
public final class ImapFolderNotFoundException extends IOException {

    public ImapFolderNotFoundException(String message) {
        super(message);
    }
}
