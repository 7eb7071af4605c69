package io.emailintel.fetcher.publish;

import static org.assertj.core.api.Assertions.assertThat;

import io.emailintel.model.AttachmentKind;
import io.emailintel.model.Envelope;
import io.emailintel.model.EnvelopeAttachment;
import io.emailintel.model.EnvelopeBody;
import io.emailintel.model.EnvelopeCodec;
import io.emailintel.model.EnvelopeSource;
import io.emailintel.model.SkipReason;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class EnvelopeSizeTest {

    private final EnvelopeCodec codec = new EnvelopeCodec();
    private final EnvelopeSize size = new EnvelopeSize(codec, 10_000);

    private Envelope.Builder envelope(String body) {
        return Envelope.builder()
                .source(new EnvelopeSource(EnvelopeSource.KIND_GRAPH, "cti@example.org", "Inbox", "AAMk1", ""))
                .receivedAt(Instant.parse("2026-01-01T00:00:00Z")).fetchedAt(Instant.parse("2026-01-01T00:01:00Z"))
                .fetchCycleId("c1").body(new EnvelopeBody("text", body));
    }

    @Test
    void anEnvelopeThatFitsIsLeftAlone() {
        Envelope e = envelope("hello").attachment(EnvelopeAttachment.of("a.txt", "text/plain", false,
                AttachmentKind.FILE, new byte[100])).build();
        assertThat(size.fit(e)).isSameAs(e);
    }

    @Test
    void attachmentsThatWouldPushTheEnvelopeOverTheLimitAreRecordedAsSkipped() {
        Envelope e = envelope("hello").attachment(EnvelopeAttachment.of("big.pdf", "application/pdf", false,
                AttachmentKind.FILE, new byte[9_000])).build();
        Envelope fitted = size.fit(e);
        assertThat(fitted.attachments()).isEmpty();
        assertThat(fitted.skippedAttachments()).singleElement()
                .satisfies(s -> assertThat(s.reason()).isEqualTo(SkipReason.TOO_LARGE));
        assertThat(fitted.envelopeId()).isEqualTo(e.envelopeId());
        assertThat(codec.encode(fitted).length).isLessThanOrEqualTo(10_000);
    }

    @Test
    void aHugeBodyIsTruncatedWithAMarker() {
        Envelope fitted = size.fit(envelope("x".repeat(50_000)).build());
        assertThat(codec.encode(fitted).length).isLessThanOrEqualTo(10_000);
        assertThat(fitted.body().content()).endsWith("message size limit]");
    }

    @Test
    void theBodyIsNeverCutInsideASurrogatePair() {
        // 2,500 characters are kept (a quarter of the limit); put an emoji's high surrogate at position 2,499
        String body = "x".repeat(2_499) + "\uD83D\uDE00" + "y".repeat(50_000);
        String kept = size.fit(envelope(body).build()).body().content();
        String beforeMarker = kept.substring(0, kept.indexOf("\n[… body truncated"));
        assertThat(beforeMarker).isEqualTo("x".repeat(2_499));
    }
}
