package io.emailintel.fetcher.imap;

import io.emailintel.fetcher.state.CorruptStateException;
import io.emailintel.fetcher.state.StateFile;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The cursor of an IMAP folder: one JSON file per account and folder under {@code FETCHER_STATE_DIR}
 * ({@code imap--cti@example.org--INBOX.json}), replaced atomically.
 */
public final class ImapCursorStore {

    private final StateFile<ImapCursor> file;

    public ImapCursorStore(Path stateDir, String mailbox, String folder) {
        this(stateDir, "", mailbox, folder);
    }

    /** With the file name after {@code prefix} (a listed source's {@code name--}). */
    public ImapCursorStore(Path stateDir, String prefix, String mailbox, String folder) {
        this.file = new StateFile<>(stateDir.resolve(prefix + "imap--" + StateFile.safeName(mailbox) + "--"
                + StateFile.safeName(folder) + ".json"), ImapCursor.class);
    }

    public Path file() {
        return file.file();
    }

    /** The stored cursor, empty before the first run; a file that is not one stops the fetcher. */
    Optional<ImapCursor> load() {
        Optional<ImapCursor> cursor = file.load();
        if (cursor.isPresent() && cursor.get().uidValidity() <= 0) {
            throw new CorruptStateException(file.file(), "no uidValidity", null);
        }
        return cursor;
    }

    /** Checks the file can be read (for {@code state show}). */
    public void check() {
        load();
    }

    void save(ImapCursor cursor) {
        file.save(cursor);
    }

    public boolean reset() {
        return file.reset();
    }

    public Optional<String> text() {
        return file.text();
    }
}
