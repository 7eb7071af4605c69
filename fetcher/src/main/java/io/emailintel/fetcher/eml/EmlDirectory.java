package io.emailintel.fetcher.eml;

import io.emailintel.model.EnvelopeAttachment;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * A directory of {@code .eml} and {@code .mbox} files (sub-directories included), read in path order, one
 * file in memory at a time. Hidden files and files of other types are ignored.
 */
final class EmlDirectory {

    private final Path root;

    EmlDirectory(Path root) {
        this.root = root;
    }

    Path root() {
        return root;
    }

    /** The message files, sorted by relative path. */
    List<Path> files() throws IOException {
        if (!Files.isDirectory(root)) {
            throw new IOException("FETCHER_EML_DIR " + root.toAbsolutePath() + " is not a directory");
        }
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile)
                    .filter(p -> !p.getFileName().toString().startsWith("."))
                    .filter(p -> isMessageFile(p.getFileName().toString()))
                    .sorted()
                    .toList();
        }
    }

    static boolean isMessageFile(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.endsWith(".eml") || lower.endsWith(".mbox") || lower.endsWith(".mbx");
    }

    /** Hands every message of one file to {@code each}: one for an .eml, one per message for an mbox. */
    void read(Path file, Consumer<EmlFile> each) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        String relative = root.relativize(file).toString().replace('\\', '/');
        var modified = Files.getLastModifiedTime(file).toInstant();
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".eml")) {
            each.accept(new EmlFile(relative + ":" + EnvelopeAttachment.sha256Hex(bytes), file, 0, bytes, modified));
            return;
        }
        List<byte[]> messages = MboxReader.split(bytes);
        List<EmlFile> out = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            byte[] m = messages.get(i);
            out.add(new EmlFile(relative + "#" + i + ":" + EnvelopeAttachment.sha256Hex(m), file, i, m, modified));
        }
        try {
            out.forEach(each);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
