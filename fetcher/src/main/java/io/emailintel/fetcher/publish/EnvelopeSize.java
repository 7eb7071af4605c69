package io.emailintel.fetcher.publish;

import io.emailintel.model.Envelope;
import io.emailintel.model.EnvelopeAttachment;
import io.emailintel.model.EnvelopeBody;
import io.emailintel.model.EnvelopeCodec;
import io.emailintel.model.SkipReason;
import io.emailintel.model.SkippedAttachment;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps an envelope under the broker's message size limit. RabbitMQ 4 refuses messages over 16 MiB by closing
 * the channel, which would stop every cycle at the same e-mail forever; so an envelope that is still too large
 * after the attachment limits (base64 and a huge body add up) loses its attachments — recorded as skipped,
 * too large — and, if need be, the tail of its body.
 */
public final class EnvelopeSize {

    private static final Logger LOG = LoggerFactory.getLogger(EnvelopeSize.class);

    /** Leaves room under RabbitMQ 4's default 16 MiB for headers and properties. */
    public static final int MAX_BYTES = 15 * 1024 * 1024;

    private final EnvelopeCodec codec;
    private final int maxBytes;

    public EnvelopeSize(EnvelopeCodec codec, int maxBytes) {
        this.codec = codec;
        this.maxBytes = maxBytes;
    }

    /**
     * An envelope with its JSON, encoded once.
     *
     * @param envelope the envelope as it will travel
     * @param json     its encoded form
     */
    public record Fitted(Envelope envelope, byte[] json) {
    }

    /** The envelope itself when it fits, else a smaller one. */
    public Envelope fit(Envelope e) {
        return fitted(e).envelope();
    }

    /** Like {@link #fit}, with the JSON: an envelope that fits is encoded exactly once. */
    public Fitted fitted(Envelope e) {
        byte[] json = codec.encode(e);
        if (json.length <= maxBytes) {
            return new Fitted(e, json);
        }
        List<SkippedAttachment> skipped = new ArrayList<>(e.skippedAttachments());
        for (EnvelopeAttachment a : e.attachments()) {
            skipped.add(new SkippedAttachment(a.name(), a.mimeType(), a.size(), SkipReason.TOO_LARGE,
                    "the e-mail with its attachments would exceed the broker's message size limit"));
        }
        int original = json.length;
        Envelope smaller = copy(e, e.body(), skipped);
        json = codec.encode(smaller);
        if (json.length <= maxBytes) {
            LOG.warn("envelope {} is {} bytes, over the {}-byte limit: its {} attachment(s) are left out and "
                    + "recorded as skipped (too large)", e.envelopeId(), original, maxBytes, e.attachments().size());
            return new Fitted(smaller, json);
        }
        String content = e.body().content();
        int keep = Math.max(0, Math.min(content.length(), maxBytes / 4));
        if (keep > 0 && keep < content.length() && Character.isHighSurrogate(content.charAt(keep - 1))) {
            keep--; // never cut a character in half
        }
        String marker = "\n[… body truncated by the fetcher: the e-mail exceeded the broker's message size limit]";
        Envelope truncated = copy(e, new EnvelopeBody(e.body().contentType(), content.substring(0, keep) + marker),
                skipped);
        LOG.warn("envelope {} is {} bytes, over the {}-byte limit: its {} attachment(s) are left out and recorded "
                + "as skipped (too large), and its body is cut to {} of {} characters", e.envelopeId(), original,
                maxBytes, e.attachments().size(), keep, content.length());
        return new Fitted(truncated, codec.encode(truncated));
    }

    private static Envelope copy(Envelope e, EnvelopeBody body, List<SkippedAttachment> skipped) {
        return e.withContent(body, List.of(), skipped);
    }
}
