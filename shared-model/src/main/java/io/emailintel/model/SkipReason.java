package io.emailintel.model;

/** Why the fetcher did not carry an attachment's content. */
public enum SkipReason {
    /** Its MIME type is not in the allow-list. */
    NOT_ALLOWED,
    /** Larger than the per-attachment limit, or it would push the envelope past its total limit. */
    TOO_LARGE,
    /** A {@code referenceAttachment}: a link to a file stored elsewhere (OneDrive, SharePoint). */
    REFERENCE_ATTACHMENT,
    /** An inline image, and inline attachments are not included. */
    INLINE_IMAGE,
    /** The source could not deliver the content (e.g. Graph answered an error for it). */
    UNAVAILABLE
}
