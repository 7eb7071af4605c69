package io.emailintel.ingester.attachments;

import java.util.List;
import java.util.Locale;

/**
 * How far attachments are opened (issue 21). Off by default: with expansion off a report is exactly what it
 * was before archives, {@code .msg} files and nested e-mails were opened.
 *
 * @param enabled       whether to open anything at all
 * @param passwords     archive passwords to try, in order, after the e-mail's own {@code password:} lines
 * @param allowedTypes  MIME types an extracted file must have to become a file of the report ({@code type/*} ok)
 * @param maxDepth      containers opened inside one another, counting the e-mail's own attachment as 1
 * @param maxMembers    files extracted per e-mail, all containers together
 * @param maxTotalBytes bytes extracted per e-mail, all containers together
 * @param maxRatio      most bytes one container may expand to, per byte of its own size
 * @param maxMemoryKiB  most memory a 7z decoder may ask for (its dictionary), so a crafted header cannot OOM us
 */
public record ExpansionSettings(boolean enabled, List<String> passwords, List<String> allowedTypes, int maxDepth,
                                int maxMembers, long maxTotalBytes, int maxRatio, int maxMemoryKiB) {

    public static final int DEFAULT_MAX_MEMORY_KIB = 64 * 1024;

    public ExpansionSettings {
        passwords = List.copyOf(passwords);
        allowedTypes = allowedTypes.stream().map(t -> t.strip().toLowerCase(Locale.ROOT))
                .filter(t -> !t.isEmpty()).toList();
        if (maxDepth < 1 || maxMembers < 1 || maxTotalBytes < 1 || maxRatio < 1 || maxMemoryKiB < 1) {
            throw new IllegalArgumentException("expansion limits must be positive");
        }
    }

    /** Nothing is opened. */
    public static ExpansionSettings off() {
        return new ExpansionSettings(false, List.of(), List.of(), 3, 100, 8L << 20, 100, DEFAULT_MAX_MEMORY_KIB);
    }

    /** Whether an extracted file of this type may become a file of the report (the fetcher's allow-list rules). */
    boolean allows(String mimeType) {
        String type = mimeType.toLowerCase(Locale.ROOT);
        for (String a : allowedTypes) {
            if (a.equals(type) || a.equals("*/*") || (a.endsWith("/*") && type.startsWith(a.substring(0, a.length() - 1)))) {
                return true;
            }
        }
        return false;
    }
}
