package io.emailintel.fetcher.eml;

import io.emailintel.model.AttachmentKind;

/**
 * An attachment found in a MIME message, before any allow-list decides about it.
 *
 * @param name      the decoded file name (RFC 2047/2231), or a name made from the subject for an attached e-mail
 * @param mimeType  the declared type, lower case, without parameters
 * @param inline    whether it is displayed inside the body rather than attached (inline disposition, or a
 *                  Content-ID that the HTML body references)
 * @param kind      a file, or an attached e-mail carried as message/rfc822
 * @param content   the decoded bytes (for an attached e-mail: its complete MIME source)
 */
record ParsedPart(String name, String mimeType, boolean inline, AttachmentKind kind, byte[] content) {
}
