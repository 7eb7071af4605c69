package io.emailintel.ingester.opencti;

import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.emailintel.ingester.stix.StixBundle;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * {@code INGESTER_OUTPUT=dir:PATH}: instead of reaching OpenCTI, each report is written to
 * {@code PATH/<report id>/} as {@code bundle.json} (the whole bundle) and {@code push/0001.json}, … (the exact
 * messages the amqp protocol would publish, with {@code applicant_id} {@value #APPLICANT}). For dry runs and
 * audits. A report id is deterministic, so the same e-mail twice leaves one directory, as OpenCTI would keep
 * one report. Each directory appears whole (written aside, then renamed).
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

    @Override
    public void push(String workId, StixBundle bundle) throws OpenCtiException {
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

    private static void moveIntoPlace(Path tmp, Path target) throws IOException {
        // The same report again (a duplicate e-mail, a replay) replaces the earlier files.
        deleteQuietly(target);
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            if (Files.isDirectory(target)) {
                // another ingester wrote the same report at the same moment: same content, keep theirs
                deleteQuietly(tmp);
                return;
            }
            throw e;
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
        } catch (IOException e) {
            // best effort
        }
    }
}
