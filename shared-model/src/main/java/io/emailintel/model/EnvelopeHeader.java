package io.emailintel.model;

import java.util.Objects;

/**
 * One RFC 5322 header of the e-mail as the source gave it (Graph's {@code internetMessageHeaders}, or the .eml
 * file's header), for triage rules that match on headers such as {@code List-Id}.
 *
 * @param name  the header name as written (compare case-insensitively)
 * @param value the unfolded value, possibly empty
 */
public record EnvelopeHeader(String name, String value) {

    public EnvelopeHeader {
        Objects.requireNonNull(name, "header name");
        value = value == null ? "" : value;
    }
}
