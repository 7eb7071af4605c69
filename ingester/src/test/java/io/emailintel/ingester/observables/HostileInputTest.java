package io.emailintel.ingester.observables;

import static org.assertj.core.api.Assertions.assertThat;

import io.emailintel.model.AttachmentKind;
import io.emailintel.model.EnvelopeAttachment;
import io.emailintel.model.EnvelopeBody;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Hostile input ends within the cap and in bounded time: the scanner is linear (no backtracking), the
 * distinct values it tracks are bounded. The time bound is generous (a shared 2-core machine): it catches
 * quadratic behaviour, which on these sizes takes minutes, not a slow run.
 */
class HostileInputTest {

    private static final Duration BOUND = Duration.ofSeconds(30);
    private final Extractor extractor = new Extractor(ExtractMode.INDICATORS, Exclusions.defaults(), 1000);

    private Extraction timed(io.emailintel.model.Envelope e) {
        long start = System.nanoTime();
        Extraction x = extractor.extract(e);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        System.out.println("hostile input extracted in " + took.toMillis() + " ms: " + x.observables().size()
                + " kept, " + x.leftOut() + (x.leftOutAtLeast() ? "+" : "") + " left out");
        assertThat(took).isLessThan(BOUND);
        return x;
    }

    @Test
    void aTenMegabyteTextAttachmentOfIndicatorsStaysWithinTheCap() {
        StringBuilder text = new StringBuilder(10 * 1024 * 1024);
        for (int i = 0; text.length() < 10 * 1024 * 1024; i++) {
            text.append("host-").append(i).append(".evil-domain.com ").append(45).append('.').append(i % 250 + 1)
                    .append('.').append((i / 250) % 250 + 1).append('.').append(i % 199 + 1).append(",\n");
        }
        var e = Mails.from("alerts@cert-bulletins.org", EnvelopeBody.empty())
                .attachment(EnvelopeAttachment.of("dump.txt", "text/plain", false, AttachmentKind.FILE,
                        text.toString().getBytes(StandardCharsets.UTF_8)))
                .build();
        Extraction x = timed(e);
        assertThat(x.observables()).hasSize(1000);
        assertThat(x.leftOut()).isPositive();
        assertThat(x.descriptionNote()).contains("left out");
    }

    @Test
    void aBodyOfAMillionDottedTokensEnds() {
        StringBuilder body = new StringBuilder(12 * 1024 * 1024);
        for (int i = 0; i < 1_000_000; i++) {
            body.append("a").append(i % 97).append('.').append("b.c.d.e.f.g.h.i.j.k.").append(i).append(' ');
        }
        Extraction x = timed(Mails.text(body.toString()));
        assertThat(x.observables()).isEmpty();
    }

    @Test
    void oneGiantTokenAndLongHexAndDotRunsEnd() {
        String hostile = "a.".repeat(3_000_000) + " " + "f".repeat(3_000_000) + " " + "1.".repeat(2_000_000)
                + " " + "[.]".repeat(1_000_000);
        Extraction x = timed(Mails.text(hostile));
        assertThat(x.observables()).isEmpty();
    }
}
