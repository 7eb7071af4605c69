package io.emailintel.ingester.opencti;

import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.emailintel.ingester.stix.StixBundle;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

/**
 * {@code INGESTER_OUTPUT=dir:PATH}: instead of reaching OpenCTI, each report is written to
 * {@code PATH/<report id>/} as {@code bundle.json} (the whole bundle) and {@code push/0001.json}, … (the exact
 * messages the amqp protocol would publish, with {@code applicant_id} {@value #APPLICANT}). For dry runs and
 * audits. A report id is deterministic, so the same e-mail twice leaves one directory, as OpenCTI would keep
 * one report. Each directory appears whole (written aside, then renamed); when two writers write the same
 * report at once, the last one wins.
 */
public final class DirectoryBundleSink implements BundleSink {

    static final String APPLICANT = "dry-run";

    private final Path directory;
    private final ObjectWriter pretty = StixBundle.mapper().writerWithDefaultPrettyPrinter();

    public DirectoryBundleSink(Path directory) throws IOException {
        this.directory = directory;
        Files.createDirectories(directory);
    }

    public Path directory() {
        return directory;
    }

    /** Writes the report's directory on the caller's thread (a local disk, not a network call). */
    @Override
    public CompletableFuture<Void> push(String workId, StixBundle bundle) {
        try {
            write(workId, bundle);
            return CompletableFuture.completedFuture(null);
        } catch (OpenCtiException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private void write(String workId, StixBundle bundle) throws OpenCtiException {
        Path tmp = directory.resolve(".tmp-" + UUID.randomUUID());
        Path target = directory.resolve(bundle.reportId());
        try {
            Files.createDirectories(tmp.resolve("push"));
            pretty.writeValue(tmp.resolve("bundle.json").toFile(), bundle.json());
            List<ObjectNode> parts = PushMessages.split(bundle);
            int seq = 1;
            for (ObjectNode part : parts) {
                ObjectNode message = PushMessages.message(part, seq, APPLICANT);
                pretty.writeValue(tmp.resolve("push").resolve(String.format("%04d.json", seq)).toFile(), message);
                seq++;
            }
            moveIntoPlace(tmp, target);
        } catch (IOException e) {
            deleteQuietly(tmp);
            throw OpenCtiException.unavailable("output-io-error",
                    "cannot write " + target + ": " + e.getMessage(), e);
        }
    }

    /**
     * Puts the freshly written {@code tmp} in place of {@code target}, last writer wins: the same report again (a
     * duplicate e-mail, a replay, another ingester at the same moment) replaces the earlier files. A directory
     * cannot be renamed over a non-empty one, so an existing one is first renamed aside (atomic, and unique to
     * this writer, so no two writers ever delete the same files), then {@code tmp} renamed in; a writer that
     * lost the race to rename in tries again. Readers see either the old directory, none for an instant, or the
     * new one — never a half-written one.
     */
    private void moveIntoPlace(Path tmp, Path target) throws IOException {
        for (int tries = 1; ; tries++) {
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
                return;
            } catch (IOException e) {
                // rename(2) over a non-empty directory: ENOTEMPTY, which the JDK reports as a plain
                // FileSystemException ("Directory not empty"); the target may be gone again already (another
                // writer set it aside), so only a missing source or endless losing is an error
                if (!Files.isDirectory(tmp) || tries >= 1000) {
                    throw e;
                }
            }
            Path aside = directory.resolve(".old-" + UUID.randomUUID());
            try {
                Files.move(target, aside, StandardCopyOption.ATOMIC_MOVE);
            } catch (NoSuchFileException gone) {
                continue; // another writer moved it aside first
            }
            deleteQuietly(aside);
        }
    }

    @Override
    public void checkReachable() throws OpenCtiException {
        if (!Files.isDirectory(directory) || !Files.isWritable(directory)) {
            throw OpenCtiException.unavailable("output-unwritable", directory + " is not a writable directory",
                    null);
        }
    }

    private static void deleteQuietly(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // best effort: a leftover temporary directory is harmless
                }
            });
        } catch (IOException | UncheckedIOException e) {
            // best effort
        }
    }
}
