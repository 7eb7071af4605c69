package io.emailintel.fetcher.graph;

import io.emailintel.model.SkipReason;
import io.emailintel.model.SkippedAttachment;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Decides which attachments travel: MIME allow-list (case-insensitive, parameters ignored, {@code type/*}
 * wildcards), per-attachment and per-envelope size limits, inline images, reference attachments. It is
 * consulted twice: on the metadata, before anything is downloaded, and on the content, once its real type is
 * known (a file labelled {@code application/octet-stream} is sniffed first).
 */
public final class AttachmentPolicy {

    /** What Graph says about an attachment before its content is fetched. */
    public enum Kind { FILE, ITEM, REFERENCE }

    /** Attachment metadata; {@code size} -1 when unknown. */
    public record Meta(Kind kind, String name, String contentType, long size, boolean inline) {
    }

    private final List<String> allowed;
    private final long maxBytes;
    private final long maxTotalBytes;
    private final boolean includeInline;

    public AttachmentPolicy(List<String> allowed, long maxBytes, long maxTotalBytes, boolean includeInline) {
        this.allowed = allowed.stream().map(MimeTypes::base).filter(s -> !s.isEmpty()).toList();
        this.maxBytes = maxBytes;
        this.maxTotalBytes = maxTotalBytes;
        this.includeInline = includeInline;
    }

    /** The most attachment bytes one e-mail may carry. */
    public long maxTotalBytes() {
        return maxTotalBytes;
    }

    /** Whether a MIME type is in the allow-list. */
    public boolean allows(String mimeType) {
        String type = MimeTypes.base(mimeType);
        for (String a : allowed) {
            if (a.equals(type) || a.equals("*/*") || (a.endsWith("/*")
                    && type.startsWith(a.substring(0, a.length() - 1)))) {
                return true;
            }
        }
        return false;
    }

    /**
     * The type to check before download: the declared type of a file. An item attachment's type is known only
     * from its content (a message, a contact or an event, see {@link MimeTypes#itemType}), so it is
     * {@code message/rfc822} here only as a label; {@link #screen} lets an item through when any item type is allowed.
     */
    public static String declaredType(Meta meta) {
        return meta.kind() == Kind.ITEM ? MimeTypes.RFC822 : MimeTypes.base(meta.contentType());
    }

    /**
     * The effective type of downloaded content: for an item what its content is ({@code message/rfc822},
     * {@code text/vcard} or {@code text/calendar}); for a file the declared type, unless that said octet-stream.
     */
    public static String effectiveType(Meta meta, byte[] content) {
        if (meta.kind() == Kind.ITEM) {
            return MimeTypes.itemType(content);
        }
        String declared = declaredType(meta);
        return declared.equals(MimeTypes.OCTET_STREAM) ? MimeTypes.sniff(content, meta.name()) : declared;
    }

    /** The name to carry an attachment under: an item gets the extension of what it is (.eml, .vcf, .ics). */
    public static String fileName(Meta meta, String effectiveType) {
        String name = meta.name() == null || meta.name().isBlank() ? "attachment" : meta.name();
        if (meta.kind() == Kind.ITEM) {
            String ext = MimeTypes.itemExtension(effectiveType);
            if (!name.toLowerCase(Locale.ROOT).endsWith(ext)) {
                name = name + ext;
            }
        }
        return name;
    }

    /** Before download: the reason to skip, or empty to download. {@code carried} = bytes already accepted. */
    public Optional<SkippedAttachment> screen(Meta meta, long carried) {
        if (meta.kind() == Kind.REFERENCE) {
            return skip(meta, SkipReason.REFERENCE_ATTACHMENT, "a link to a file stored elsewhere");
        }
        if (meta.inline() && !includeInline) {
            return skip(meta, SkipReason.INLINE_IMAGE, "inline attachments are not included");
        }
        Optional<SkippedAttachment> size = sizeCheck(meta, meta.size(), carried);
        if (size.isPresent()) {
            return size;
        }
        if (meta.kind() == Kind.ITEM) {
            return MimeTypes.ITEM_TYPES.stream().anyMatch(this::allows) ? Optional.empty()
                    : skip(meta, SkipReason.NOT_ALLOWED, "an attached Outlook item (message/rfc822, text/vcard or "
                            + "text/calendar); none of them is in the allow-list");
        }
        String type = declaredType(meta);
        if (!type.equals(MimeTypes.OCTET_STREAM) && !allows(type)) {
            return skip(meta, SkipReason.NOT_ALLOWED, type + " is not in the allow-list");
        }
        if (type.equals(MimeTypes.OCTET_STREAM) && !allows(type)) {
            // a known extension settles it without a download
            String byName = MimeTypes.byExtension(meta.name());
            if (!byName.equals(MimeTypes.OCTET_STREAM) && !allows(byName) && !hasMagicType(byName)) {
                return skip(meta, SkipReason.NOT_ALLOWED, byName + " (by extension) is not in the allow-list");
            }
        }
        return Optional.empty();
    }

    // types whose magic bytes could contradict the extension are always sniffed
    private static boolean hasMagicType(String type) {
        return type.equals("application/pdf") || type.startsWith("image/");
    }

    /** After download: the reason to skip, or empty to carry it. */
    public Optional<SkippedAttachment> check(Meta meta, String effectiveType, long length, long carried) {
        Optional<SkippedAttachment> size = sizeCheck(meta, length, carried);
        if (size.isPresent()) {
            return size;
        }
        if (!allows(effectiveType)) {
            return skip(meta, SkipReason.NOT_ALLOWED, effectiveType + " is not in the allow-list");
        }
        return Optional.empty();
    }

    private Optional<SkippedAttachment> sizeCheck(Meta meta, long size, long carried) {
        if (size > maxBytes) {
            return skip(meta, SkipReason.TOO_LARGE, size + " bytes exceed the per-attachment limit of " + maxBytes);
        }
        if (size > 0 && carried + size > maxTotalBytes) {
            return skip(meta, SkipReason.TOO_LARGE, "would exceed the per-e-mail total of " + maxTotalBytes + " bytes");
        }
        return Optional.empty();
    }

    private static Optional<SkippedAttachment> skip(Meta meta, SkipReason reason, String detail) {
        String type = meta.contentType() == null ? "" : meta.contentType().toLowerCase(Locale.ROOT);
        return Optional.of(new SkippedAttachment(meta.name(), type, meta.size(), reason, detail));
    }
}
