package io.emailintel.model;

import java.util.Locale;

/**
 * The message body exactly as the source delivered it (HTML is sanitised later, by the ingester).
 *
 * @param contentType {@link #HTML} or {@link #TEXT}
 * @param content     the body, possibly empty, never null
 */
public record EnvelopeBody(String contentType, String content) {

    public static final String HTML = "html";
    public static final String TEXT = "text";

    public EnvelopeBody {
        contentType = contentType == null || contentType.isBlank()
                ? TEXT : contentType.strip().toLowerCase(Locale.ROOT);
        if (!contentType.equals(HTML) && !contentType.equals(TEXT)) {
            throw new IllegalArgumentException("body.contentType must be html or text, was " + contentType);
        }
        content = content == null ? "" : content;
    }

    public static EnvelopeBody empty() {
        return new EnvelopeBody(TEXT, "");
    }

    public boolean isHtml() {
        return HTML.equals(contentType);
    }
}
