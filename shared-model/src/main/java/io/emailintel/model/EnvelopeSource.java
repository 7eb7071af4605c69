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
 * @param name              the fetcher's name for the source (since 1.2): a name from its {@code fetcher.sources}
 *                          list, {@link #DEFAULT_NAME} for a fetcher configured with one source the classic way, empty
 *                          in an envelope written before 1.2. Never part of the envelope id or any STIX id.
 */
public record EnvelopeSource(String kind, String mailbox, String folder, String messageId,
                             String internetMessageId, String name) {

    public static final String KIND_GRAPH = "graph";
    public static final String KIND_EML_DIR = "eml-dir";
    public static final String KIND_IMAP = "imap";
    /** The name of the one source of a fetcher configured without a {@code fetcher.sources} list. */
    public static final String DEFAULT_NAME = "default";

    public EnvelopeSource {
        Objects.requireNonNull(kind, "source.kind");
        Objects.requireNonNull(mailbox, "source.mailbox");
        Objects.requireNonNull(messageId, "source.messageId");
        folder = folder == null ? "" : folder;
        internetMessageId = internetMessageId == null ? "" : internetMessageId;
        name = name == null ? "" : name;
    }

    /** A source without a name (it gets one when the fetcher publishes it, {@link #withName}). */
    public EnvelopeSource(String kind, String mailbox, String folder, String messageId, String internetMessageId) {
        this(kind, mailbox, folder, messageId, internetMessageId, "");
    }

    /** The same source under the fetcher's name for it. */
    public EnvelopeSource withName(String sourceName) {
        return new EnvelopeSource(kind, mailbox, folder, messageId, internetMessageId, sourceName);
    }

    /**
     * Whether the e-mail came from a source listed by name in {@code fetcher.sources}: not the one source of a
     * classic configuration ({@link #DEFAULT_NAME}), nor an envelope written before names existed.
     */
    public boolean listed() {
        return !name.isBlank() && !DEFAULT_NAME.equals(name);
    }
}
