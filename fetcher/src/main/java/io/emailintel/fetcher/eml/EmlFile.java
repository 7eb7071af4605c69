package io.emailintel.fetcher.eml;

import java.nio.file.Path;
import java.time.Instant;

/**
 * One message found in the directory: a whole .eml file, or one message of an mbox file.
 *
 * @param key      what the cursor remembers: the relative path (with {@code #n} for the n-th message of an
 *                 mbox) and the SHA-256 of the bytes, so a changed file is sent again
 * @param path     the file
 * @param index    the message's index in an mbox file, 0 for an .eml file
 * @param bytes    the raw message
 * @param modified the file's last-modified time
 */
record EmlFile(String key, Path path, int index, byte[] bytes, Instant modified) {
}
