package io.emailintel.fetcher.eml;

import io.emailintel.fetcher.state.CorruptStateException;
import io.emailintel.fetcher.state.StateFile;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/**
 * The cursor of a directory source: the keys of the messages already published (path plus digest), in one
 * JSON file under {@code FETCHER_STATE_DIR}, replaced atomically.
 */
public final class EmlCursorStore {

    /** The stored document. */
    record State(String directory, Set<String> sent, Instant updatedAt) {
    }

    private final StateFile<State> file;
    private final Path directory;

    public EmlCursorStore(Path stateDir, Path directory) {
        this(stateDir, "", directory);
    }

    /** With the file name after {@code prefix} (a listed source's {@code name--}). */
    public EmlCursorStore(Path stateDir, String prefix, Path directory) {
        this.directory = directory.toAbsolutePath().normalize();
        String name = StateFile.safeName(this.directory.toString()).replaceAll("^_+", "");
        this.file = new StateFile<>(stateDir.resolve(prefix + "eml-dir--" + name + ".json"), State.class);
    }

    public Path file() {
        return file.file();
    }

    public Set<String> load() {
        Optional<State> state = file.load();
        if (state.isPresent() && state.get().sent() == null) {
            throw new CorruptStateException(file.file(), "no 'sent' list", null);
        }
        return state.map(s -> new LinkedHashSet<>(s.sent())).orElseGet(LinkedHashSet::new);
    }

    void save(Set<String> sent, Instant now) {
        file.save(new State(directory.toString(), sent, now));
    }

    public boolean reset() {
        return file.reset();
    }

    public Optional<String> text() {
        return file.text();
    }
}
