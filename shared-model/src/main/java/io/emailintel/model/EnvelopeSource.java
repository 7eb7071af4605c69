package io.emailintel.model;

import java.util.Objects;

/**
 * Where an e-mail came from.
 *
 * @param kind              the source type: {@code graph} for Microsoft Graph, {@code imap} for an IMAP folder,
 *                          {@code eml-dir} for a local directory of .eml/mbox files
 * @param mailbox           the mailbox address (Graph user principal name or id), or the directory for
 *                          local sources; for IMAP the login ({@code user@host} when it is not an address)
 * @param folder            the folder as configured (well-known name or display-name path)
 * @param messageId         the message's id at the source: a Graph <em>immutable</em> id, or a file path
 * @param internetMessageId the RFC 5322 {@code Message-ID} header, when the message has one (may be empty)
 */
public record EnvelopeSource(String kind, String mailbox, String folder, String messageId,
                             String internetMessageId) {

    public static final String KIND_GRAPH = "graph";
    public static final String KIND_EML_DIR = "eml-dir";
    public static final String KIND_IMAP = "imap";

    public EnvelopeSource {
        Objects.requireNonNull(kind, "source.kind");
        Objects.requireNonNull(mailbox, "source.mailbox");
        Objects.requireNonNull(messageId, "source.messageId");
        folder = folder == null ? "" : folder;
        internetMessageId = internetMessageId == null ? "" : internetMessageId;
    }
}
