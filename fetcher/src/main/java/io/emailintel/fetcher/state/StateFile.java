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
 * One JSON document in the state directory, replaced atomically ({@link AtomicFiles}). A file that exists but
 * cannot be read as the document is a {@link CorruptStateException}, never a silent fresh start.
 *
 * @param <T> the document type
 */
public final class StateFile<T> {

    private static final ObjectMapper JSON = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();

    private final Path file;
    private final Class<T> type;

    public StateFile(Path file, Class<T> type) {
        this.file = file;
        this.type = type;
    }

    /** A file name from free text: lower case, every character outside [a-z0-9.@_-] replaced. */
    public static String safeName(String raw) {
        return raw.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9.@_-]", "_");
    }

    public Path file() {
        return file;
    }

    /**
     * The stored document, or empty when there is none yet.
     *
     * @throws CorruptStateException when the file exists but is not such a document
     */
    public Optional<T> load() {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            T value = JSON.readValue(Files.readAllBytes(file), type);
            if (value == null) {
                throw new CorruptStateException(file, "empty document", null);
            }
            return Optional.of(value);
        } catch (JsonProcessingException e) {
            throw new CorruptStateException(file, e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read state file " + file, e);
        } catch (CorruptStateException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new CorruptStateException(file, String.valueOf(e.getMessage()), e);
        }
    }

    /** Replaces the stored document atomically. */
    public void save(T value) {
        try {
            AtomicFiles.write(file, JSON.writeValueAsBytes(value));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write state file " + file, e);
        }
    }

    /** Deletes the stored document. */
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
