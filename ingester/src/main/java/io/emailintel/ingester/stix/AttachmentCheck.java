package io.emailintel.ingester.stix;

import io.emailintel.model.EnvelopeAttachment;
import java.util.Locale;
import java.util.Optional;

/**
 * Decides how one carried attachment becomes a file on the report. The fetcher's allow-list trusts the
 * declared type (both sources: Graph's {@code contentType}, the MIME part's header); here the bytes are
 * checked against it. Content that is an executable, or lacks the signature its type requires, is still
 * kept as evidence, but never as what it claims: it is uploaded as {@code application/octet-stream} under a
 * name ending in {@code .bin}, with import connectors kept off it, and the report says why. An empty file
 * is not uploaded at all (there is nothing to keep, and an empty upload is only noise).
 */
final class AttachmentCheck {

    static final String OCTET_STREAM = "application/octet-stream";
    static final String FLAGGED_SUFFIX = ".bin";

    /** What becomes of an attachment. */
    enum Action { UPLOAD, UPLOAD_FLAGGED, OMIT }

    /**
     * @param action   upload as declared, upload flagged, or leave out
     * @param mimeType the type to upload it as
     * @param finding  why it was flagged or left out, for the report's description; empty for a plain upload
     */
    record Verdict(Action action, String mimeType, String finding) {

        boolean uploaded() {
            return action != Action.OMIT;
        }

        boolean flagged() {
            return action == Action.UPLOAD_FLAGGED;
        }
    }

    private AttachmentCheck() {
    }

    static Verdict of(EnvelopeAttachment a) {
        String declared = a.mimeType().toLowerCase(Locale.ROOT);
        byte[] content = a.content();
        if (content.length == 0) {
            return new Verdict(Action.OMIT, declared, "empty file (0 bytes), not uploaded");
        }
        Optional<String> executable = FileMagic.executable(content);
        if (executable.isPresent()) {
            return new Verdict(Action.UPLOAD_FLAGGED, OCTET_STREAM, "declared " + declared + ", but the content is "
                    + executable.get() + "; stored as " + OCTET_STREAM + ", never imported");
        }
        if (FileMagic.contradicts(declared, content)) {
            return new Verdict(Action.UPLOAD_FLAGGED, OCTET_STREAM, "declared " + declared
                    + ", but the content does not have that type's signature; stored as " + OCTET_STREAM
                    + ", never imported");
        }
        return new Verdict(Action.UPLOAD, declared, "");
    }
}
