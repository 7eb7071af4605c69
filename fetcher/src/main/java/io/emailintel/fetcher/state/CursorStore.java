package io.emailintel.fetcher.state;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The cursor of one mailbox folder in a JSON file under the state directory. Writes are atomic (temp file,
 * fsync, rename), so a crash leaves either the old or the new state, never half of one.
 */
public final class CursorStore implements CursorStorage {

    private final StateFile<CursorState> file;

    public CursorStore(Path stateDir, String mailbox, String folder) {
        this(stateDir, "", mailbox, folder);
    }

    /** With the file name after {@code prefix} (a listed source's {@code name--}). */
    public CursorStore(Path stateDir, String prefix, String mailbox, String folder) {
        this.file = new StateFile<>(stateDir.resolve(prefix + fileName(mailbox, folder)), CursorState.class);
    }

    /** {@code mailbox--folder.json}, with every character outside [a-z0-9.@_-] replaced. */
    static String fileName(String mailbox, String folder) {
        return StateFile.safeName(mailbox.strip() + "--" + folder.strip()) + ".json";
    }

    public Path file() {
        return file.file();
    }

    /**
     * The stored state, or empty when there is none yet.
     *
     * @throws CorruptStateException when the file exists but is not a state
     */
    @Override
    public Optional<CursorState> load() {
        return file.load();
    }

    /** Replaces the stored state atomically. */
    @Override
    public void save(CursorState state) {
        file.save(state);
    }

    /** Deletes the stored state; the next run starts from the configured import period. */
    public boolean reset() {
        return file.reset();
    }

    /** The stored file's text, for {@code state show}. */
    public Optional<String> text() {
        return file.text();
    }
}
