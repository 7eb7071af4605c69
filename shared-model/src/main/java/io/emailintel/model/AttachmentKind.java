package io.emailintel.model;

/** What Graph calls the attachment: a file, or an attached Outlook item carried as message/rfc822. */
public enum AttachmentKind {
    /** A {@code fileAttachment}: bytes with a name and a MIME type. */
    FILE,
    /** An {@code itemAttachment}: an attached e-mail (or other Outlook item) carried as its MIME (.eml). */
    ITEM
}
