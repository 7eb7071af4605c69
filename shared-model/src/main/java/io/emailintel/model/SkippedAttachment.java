package io.emailintel.model;

import java.util.Objects;

/**
 * An attachment the fetcher saw but did not carry, with the reason, so the report can say what is missing.
 *
 * @param name     the file name as the sender gave it
 * @param mimeType the MIME type the source declared (may be empty)
 * @param size     the size the source declared, in bytes (-1 when unknown)
 * @param reason   why it was skipped
 * @param detail   a human-readable detail (e.g. the limit that was exceeded); may be empty
 */
public record SkippedAttachment(String name, String mimeType, long size, SkipReason reason, String detail) {

    public SkippedAttachment {
        name = name == null ? "" : name;
        mimeType = mimeType == null ? "" : mimeType;
        Objects.requireNonNull(reason, "skipped.reason");
        detail = detail == null ? "" : detail;
    }
}
