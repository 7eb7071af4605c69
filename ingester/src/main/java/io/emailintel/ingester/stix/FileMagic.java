package io.emailintel.ingester.stix;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;

/**
 * What a file's first bytes say it is, whatever its name or declared MIME type claim. Mail is where an
 * executable is sent as {@code invoice.pdf}: the declared type comes from the sender, the magic bytes do not.
 */
final class FileMagic {

    /** How far into a file a PDF header may start: readers accept leading junk up to about 1 KiB. */
    static final int PDF_HEADER_WINDOW = 1024;

    private FileMagic() {
    }

    /** A description of the executable or script the content is, or empty when it is none we know. */
    static Optional<String> executable(byte[] c) {
        if (startsWith(c, 'M', 'Z')) {
            return Optional.of("a Windows/DOS executable (MZ header)");
        }
        if (startsWith(c, 0x7F, 'E', 'L', 'F')) {
            return Optional.of("an ELF executable");
        }
        if (startsWith(c, 0xFE, 0xED, 0xFA, 0xCE) || startsWith(c, 0xFE, 0xED, 0xFA, 0xCF)
                || startsWith(c, 0xCE, 0xFA, 0xED, 0xFE) || startsWith(c, 0xCF, 0xFA, 0xED, 0xFE)) {
            return Optional.of("a Mach-O executable");
        }
        if (startsWith(c, 0xCA, 0xFE, 0xBA, 0xBE)) {
            return Optional.of("a Mach-O universal binary or Java class file");
        }
        if (startsWith(c, 0x4C, 0x00, 0x00, 0x00, 0x01, 0x14, 0x02, 0x00)) {
            return Optional.of("a Windows shortcut (.lnk)");
        }
        if (startsWith(c, '#', '!')) {
            return Optional.of("a script (#! interpreter line)");
        }
        return Optional.empty();
    }

    /**
     * Whether the content lacks the signature its declared type requires. Only types with a mandatory
     * signature are judged; for any other type (text, CSV, …) the bytes cannot contradict it.
     */
    static boolean contradicts(String mimeType, byte[] c) {
        String type = mimeType == null ? "" : mimeType.toLowerCase(Locale.ROOT);
        return switch (type) {
            case "application/pdf" -> !containsEarly(c, "%PDF-".getBytes(StandardCharsets.US_ASCII));
            case "image/png" -> !startsWith(c, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A);
            case "image/jpeg" -> !startsWith(c, 0xFF, 0xD8, 0xFF);
            case "image/gif" -> !startsWith(c, 'G', 'I', 'F', '8');
            case "application/zip" -> !isZip(c);
            default -> type.startsWith("application/vnd.openxmlformats-") && !isZip(c);
        };
    }

    private static boolean isZip(byte[] c) {
        return startsWith(c, 'P', 'K', 3, 4) || startsWith(c, 'P', 'K', 5, 6);
    }

    private static boolean containsEarly(byte[] c, byte[] magic) {
        int last = Math.min(c.length, PDF_HEADER_WINDOW) - magic.length;
        for (int i = 0; i <= last; i++) {
            int j = 0;
            while (j < magic.length && c[i + j] == magic[j]) {
                j++;
            }
            if (j == magic.length) {
                return true;
            }
        }
        return false;
    }

    private static boolean startsWith(byte[] c, int... magic) {
        if (c.length < magic.length) {
            return false;
        }
        for (int i = 0; i < magic.length; i++) {
            if ((c[i] & 0xFF) != magic[i]) {
                return false;
            }
        }
        return true;
    }
}
