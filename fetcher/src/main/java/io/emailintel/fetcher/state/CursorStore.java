package io.emailintel.fetcher.state;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * The cursor of one mailbox folder in a JSON file under the state directory. Writes are atomic (temp file,
 * fsync, rename), so a crash leaves either the old or the new state, never half of one.
 */
public final class CursorStore implements CursorStorage {

    private static final ObjectMapper JSON = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();

    private final Path file;

    public CursorStore(Path stateDir, String mailbox, String folder) {
        this.file = stateDir.resolve(fileName(mailbox, folder));
    }

    /** {@code mailbox--folder.json}, with every character outside [a-z0-9.@_-] replaced. */
    static String fileName(String mailbox, String folder) {
        String raw = (mailbox.strip() + "--" + folder.strip()).toLowerCase(Locale.ROOT);
        return raw.replaceAll("[^a-z0-9.@_-]", "_") + ".json";
    }

    public Path file() {
        return file;
    }

    /**
     * The stored state, or empty when there is none yet.
     *
     * @throws CorruptStateException when the file exists but is not a state
     */
    @Override
    public Optional<CursorState> load() {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            byte[] bytes = Files.readAllBytes(file);
            CursorState state = JSON.readValue(bytes, CursorState.class);
            if (state == null) {
                throw new CorruptStateException(file, "empty document", null);
            }
            return Optional.of(state);
        } catch (JsonProcessingException e) {
            throw new CorruptStateException(file, e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read state file " + file, e);
        } catch (RuntimeException e) {
            if (e instanceof CorruptStateException c) {
                throw c;
            }
            throw new CorruptStateException(file, String.valueOf(e.getMessage()), e);
        }
    }

    /** Replaces the stored state atomically. */
    @Override
    public void save(CursorState state) {
        try {
            AtomicFiles.write(file, JSON.writeValueAsBytes(state));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write state file " + file, e);
        }
    }

    /** Deletes the stored state; the next run starts from the configured import period. */
    public boolean reset() {
        try {
            return Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete state file " + file, e);
        }
    }

    /** The stored file's text, for {@code state show}. */
    public Optional<String> text() {
        try {
            return Files.exists(file) ? Optional.of(Files.readString(file, StandardCharsets.UTF_8)) : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read state file " + file, e);
        }
    }
}
