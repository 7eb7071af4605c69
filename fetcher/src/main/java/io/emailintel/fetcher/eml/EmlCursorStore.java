package io.emailintel.fetcher.eml;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.emailintel.fetcher.state.AtomicFiles;
import io.emailintel.fetcher.state.CorruptStateException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Locale;
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

    private static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules();

    private final Path file;
    private final Path directory;

    public EmlCursorStore(Path stateDir, Path directory) {
        this.directory = directory.toAbsolutePath().normalize();
        String name = this.directory.toString().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9.@_-]", "_");
        this.file = stateDir.resolve("eml-dir--" + name.replaceAll("^_+", "") + ".json");
    }

    public Path file() {
        return file;
    }

    public Set<String> load() {
        if (!Files.exists(file)) {
            return new LinkedHashSet<>();
        }
        try {
            State state = JSON.readValue(Files.readAllBytes(file), State.class);
            if (state == null || state.sent() == null) {
                throw new CorruptStateException(file, "no 'sent' list", null);
            }
            return new LinkedHashSet<>(state.sent());
        } catch (JsonProcessingException e) {
            throw new CorruptStateException(file, e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read state file " + file, e);
        }
    }

    void save(Set<String> sent, Instant now) {
        try {
            AtomicFiles.write(file, JSON.writerWithDefaultPrettyPrinter()
                    .writeValueAsBytes(new State(directory.toString(), sent, now)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write state file " + file, e);
        }
    }

    public boolean reset() {
        try {
            return Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete state file " + file, e);
        }
    }

    public Optional<String> text() {
        try {
            return Files.exists(file) ? Optional.of(Files.readString(file, StandardCharsets.UTF_8)) : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read state file " + file, e);
        }
    }
}
