package io.emailintel.ingester.attachments;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * What one e-mail may still expand to: files and bytes, all containers together. Sizes declared in archive
 * headers are never trusted (a zip bomb lies about them): every byte is counted as it is decompressed, and
 * reading stops one byte past a limit, so memory never holds more than the limits allow.
 */
final class Budget {

    private final ExpansionSettings limits;
    private int members;
    private long bytes;

    Budget(ExpansionSettings limits) {
        this.limits = limits;
    }

    /** A reader for one attempt at one container of {@code containerSize} bytes. */
    Meter meter(long containerSize) {
        return new Meter(containerSize);
    }

    int membersLeft() {
        return limits.maxMembers() - members;
    }

    /** Counts one attempt's reading; {@link #commit} adds it to the e-mail's budget once the container opened. */
    final class Meter {

        private final long ratioLimit;
        private long read;
        private int files;

        private Meter(long containerSize) {
            // tiny archives of text compress far beyond any sane ratio; judge them as if they were 1 KiB
            this.ratioLimit = (long) limits.maxRatio() * Math.max(containerSize, 1024);
        }

        /** Reads a member whole, or refuses once the container or the e-mail would exceed a limit. */
        byte[] readMember(InputStream in) throws IOException, Refused {
            if (members + files >= limits.maxMembers()) {
                throw new Refused("more than " + limits.maxMembers() + " files in this e-mail's containers "
                        + "(INGESTER_EXPAND_MAX_MEMBERS)");
            }
            byte[] content = read(in);
            files++;
            return content;
        }

        /**
         * Reads a decompressed stream whole (a gzip's content, a tar still to be split) under the same limits,
         * without keeping it in the count: its files are counted when {@link #readMember} reads them from it.
         */
        byte[] decompress(InputStream in) throws IOException, Refused {
            long before = read;
            byte[] content = read(in);
            read = before;
            return content;
        }

        private byte[] read(InputStream in) throws IOException, Refused {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buffer = new byte[16 * 1024];
            int idle = 0;
            for (int n; (n = in.read(buffer)) != -1; ) {
                if (n == 0 && ++idle > 1000) {
                    throw new IOException("a decoder made no progress"); // never spin on a broken stream
                }
                read += n;
                if (read > ratioLimit) {
                    throw new Refused("expands to more than " + limits.maxRatio() + " times its own size "
                            + "(compression ratio limit, INGESTER_EXPAND_MAX_RATIO): a decompression bomb?");
                }
                if (bytes + read > limits.maxTotalBytes()) {
                    throw new Refused("would take this e-mail beyond " + limits.maxTotalBytes()
                            + " extracted bytes (INGESTER_EXPAND_MAX_BYTES)");
                }
                out.write(buffer, 0, n);
            }
            return out.toByteArray();
        }

        /** The container opened: what this attempt read now counts against the e-mail's budget. */
        void commit() {
            bytes += read;
            members += files;
        }
    }
}
