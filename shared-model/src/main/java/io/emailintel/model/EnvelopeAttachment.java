package io.emailintel.model;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * An attachment the fetcher accepted and downloaded. The content travels base64-encoded in the JSON form.
 *
 * @param name      the file name as the sender gave it (the ingester makes it safe)
 * @param mimeType  the effective MIME type, without parameters (sniffed when the source said octet-stream)
 * @param size      the content length in bytes
 * @param sha256    lower-case hex SHA-256 of the content
 * @param inline    whether the source marked it inline (e.g. an image referenced by the HTML body)
 * @param kind      file or attached item
 * @param content   the bytes
 */
public record EnvelopeAttachment(String name, String mimeType, long size, String sha256, boolean inline,
                                 AttachmentKind kind, byte[] content) {

    public EnvelopeAttachment {
        name = name == null ? "" : name;
        Objects.requireNonNull(mimeType, "attachment.mimeType");
        Objects.requireNonNull(kind, "attachment.kind");
        Objects.requireNonNull(content, "attachment.content");
        if (size != content.length) {
            throw new IllegalArgumentException(
                    "attachment " + name + ": size " + size + " does not match content length " + content.length);
        }
        String actual = sha256Hex(content);
        if (sha256 == null || sha256.isBlank()) {
            sha256 = actual;
        } else if (!sha256.equalsIgnoreCase(actual)) {
            throw new IllegalArgumentException("attachment " + name + ": sha256 does not match its content");
        }
        sha256 = sha256.toLowerCase(java.util.Locale.ROOT);
    }

    /** An attachment whose size and digest are computed from its content. */
    public static EnvelopeAttachment of(String name, String mimeType, boolean inline, AttachmentKind kind,
                                        byte[] content) {
        return new EnvelopeAttachment(name, mimeType, content.length, null, inline, kind, content);
    }

    public static String sha256Hex(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JVM", e);
        }
    }

    // Records compare arrays by reference; an attachment is its bytes.
    @Override
    public boolean equals(Object o) {
        return o instanceof EnvelopeAttachment other
                && size == other.size && inline == other.inline
                && name.equals(other.name) && mimeType.equals(other.mimeType)
                && sha256.equals(other.sha256) && kind == other.kind
                && Arrays.equals(content, other.content);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, mimeType, size, sha256, inline, kind);
    }

    @Override
    public String toString() {
        return "EnvelopeAttachment[name=" + name + ", mimeType=" + mimeType + ", size=" + size
                + ", sha256=" + sha256 + ", inline=" + inline + ", kind=" + kind + "]";
    }
}
