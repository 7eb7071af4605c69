package io.emailintel.ingester.opencti;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.emailintel.ingester.stix.ReportBuilder;
import io.emailintel.ingester.stix.ReportOptions;
import io.emailintel.ingester.stix.StixBundle;
import io.emailintel.model.AttachmentKind;
import io.emailintel.model.Envelope;
import io.emailintel.model.EnvelopeAttachment;
import io.emailintel.model.EnvelopeFixtures;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Random;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class PushMessagesTest {

    private final StixBundle bundle = new ReportBuilder(ReportOptions.defaults(), Clock.systemUTC())
            .build(EnvelopeFixtures.advisory("m1"));

    @Test
    void oneSingleObjectBundlePerObjectDependenciesFirst() {
        List<ObjectNode> parts = PushMessages.split(bundle);
        assertThat(parts).hasSize(3);
        assertThat(parts).extracting(p -> p.get("objects").get(0).get("type").asText())
                .containsExactly("identity", "marking-definition", "report");
        assertThat(parts).extracting(p -> p.get("objects").get(0).get("x_opencti_seq").asInt()).containsExactly(1, 2, 3);
        assertThat(parts).allMatch(p -> p.get("type").asText().equals("bundle") && p.get("objects").size() == 1);
    }

    @Test
    void referencesAreCountedOverRefAndRefsProperties() {
        JsonNode report = bundle.objects().get(2);
        // created_by_ref + one marking (no object_refs, as the Python connector)
        assertThat(PushMessages.referenceCount(report)).isEqualTo(2);
        JsonNode withRefs = report.deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) withRefs).putArray("object_refs").add("a").add("b");
        assertThat(PushMessages.referenceCount(withRefs)).isEqualTo(4);
        assertThat(PushMessages.referenceCount(bundle.objects().get(0))).isZero();
    }

    @Test
    void theMessageIsPyctisFormatWithTheBundleInBase64AndNoWorkId() throws Exception {
        ObjectNode part = PushMessages.split(bundle).get(2);
        ObjectNode m = PushMessages.message(part, 3, "user-1");
        assertThat(m.get("bundle_type").asText()).isEqualTo("QUEUE_BUNDLE");
        assertThat(m.get("applicant_id").asText()).isEqualTo("user-1");
        assertThat(m.get("action_sequence").asInt()).isEqualTo(3);
        assertThat(m.get("entities_types").isArray()).isTrue();
        assertThat(m.get("update").asBoolean()).isFalse();
        assertThat(m.get("draft_id").isNull()).isTrue();
        // present and null, as pycti sends it when no work was started: the worker then never drops it
        assertThat(m.has("work_id")).isTrue();
        assertThat(m.get("work_id").isNull()).isTrue();
        JsonNode decoded = JsonMapper.builder().build().readTree(Base64.getDecoder().decode(m.get("content").asText()));
        // compared as JSON: in memory, attachment data is a BinaryNode; on the wire it is base64 text
        assertThat(decoded).isEqualTo(readTree(new StixBundle(null, part).toUtf8()));
    }

    @Test
    void thePublishedBodyIsTheMessageAsUtf8JsonByteForByte() {
        for (ObjectNode part : PushMessages.split(bundle)) {
            byte[] expected = new StixBundle(null, PushMessages.message(part, 2, "user \"1\""))
                    .toJson().getBytes(StandardCharsets.UTF_8);
            assertThat(PushMessages.body(part, 2, "user \"1\"")).isEqualTo(expected);
        }
    }

    @Test
    void aLargeAttachmentWithNonAsciiTextStreamsToTheSameBytes() {
        sameBytesWithAnAttachmentOf(3 * 1024 * 1024 + 1);
    }

    @Test
    void attachmentsUpToTheLimitSerialisedOnceAndJustOverItStreamedGiveTheSameBytes() {
        sameBytesWithAnAttachmentOf(200 * 1024);
        sameBytesWithAnAttachmentOf(PushMessages.SERIALISED_ONCE_UP_TO);
        sameBytesWithAnAttachmentOf(PushMessages.SERIALISED_ONCE_UP_TO + 1);
    }

    private static void sameBytesWithAnAttachmentOf(int size) {
        byte[] pdf = new byte[size];
        new Random(1).nextBytes(pdf);
        Envelope e = Envelope.builder().source(EnvelopeFixtures.source("big")).subject("réunion été 🚨 advisory")
                .receivedAt(java.time.Instant.parse("2026-01-02T03:04:05Z")).fetchCycleId("c1")
                .fetchedAt(java.time.Instant.parse("2026-01-02T03:04:06Z"))
                .attachment(EnvelopeAttachment.of("big.pdf", "application/pdf", false, AttachmentKind.FILE, pdf))
                .build();
        StixBundle big = new ReportBuilder(ReportOptions.defaults(), Clock.systemUTC()).build(e);
        ObjectNode report = PushMessages.split(big).get(2);

        byte[] body = PushMessages.body(report, 3, "user-1");

        assertThat(body).isEqualTo(new StixBundle(null, PushMessages.message(report, 3, "user-1"))
                .toJson().getBytes(StandardCharsets.UTF_8));
        JsonNode decoded = readTree(Base64.getDecoder().decode(readTree(body).get("content").asText()));
        assertThat(Base64.getDecoder().decode(decoded.at("/objects/0/x_opencti_files/0/data").asText()))
                .isEqualTo(pdf);
    }

    private static JsonNode readTree(byte[] json) {
        try {
            return JsonMapper.builder().build().readTree(json);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
