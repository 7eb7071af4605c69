package io.emailintel.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.emailintel.model.PoisonEnvelopeException.Reason;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EnvelopeCodecTest {

    private final EnvelopeCodec codec = new EnvelopeCodec();
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void roundTripKeepsEveryField() throws Exception {
        Envelope envelope = EnvelopeFixtures.advisory("AAMkAG1");
        Envelope back = codec.decode(codec.encode(envelope));
        assertThat(back).isEqualTo(envelope);
        assertThat(back.schemaVersion()).isEqualTo(Envelope.SCHEMA_VERSION);
        assertThat(back.attachments().get(0).content()).isEqualTo(envelope.attachments().get(0).content());
    }

    @Test
    void writesTimesAsIsoStringsAndContentAsBase64() throws Exception {
        ObjectNode tree = (ObjectNode) json.readTree(codec.encode(EnvelopeFixtures.advisory("x")));
        assertThat(tree.get("receivedAt").asText()).isEqualTo("2025-05-09T10:11:12Z");
        assertThat(tree.get("schemaVersion").asText()).isEqualTo("1.2");
        assertThat(tree.at("/attachments/0/content").asText()).isEqualTo("JVBERi0xLjQKJSVFT0YK");
        assertThat(tree.at("/attachments/0/kind").asText()).isEqualTo("FILE");
        assertThat(tree.at("/skippedAttachments/0/reason").asText()).isEqualTo("NOT_ALLOWED");
    }

    @Test
    void headersAndOriginalSenderRoundTrip() throws Exception {
        Envelope envelope = Envelope.builder().source(EnvelopeFixtures.source("h"))
                .receivedAt(Instant.parse("2025-01-01T00:00:00Z")).fetchCycleId("c").fetchedAt(Instant.EPOCH)
                .header("List-Id", "Alerts <alerts.isac.example>").header("X-Tlp", "AMBER")
                .originalSender(new EmailAddress("ISAC", "alerts@isac.example")).build();
        Envelope back = codec.decode(codec.encode(envelope));
        assertThat(back).isEqualTo(envelope);
        assertThat(back.header("list-id")).containsExactly("Alerts <alerts.isac.example>");
    }

    @Test
    void aVersionOneZeroEnvelopeReadsWithoutHeadersOrOriginalSender() throws Exception {
        ObjectNode tree = (ObjectNode) json.readTree(codec.encode(EnvelopeFixtures.advisory("old")));
        tree.remove("headers");
        tree.remove("originalSender");
        tree.put("schemaVersion", "1.0");
        Envelope back = codec.decode(json.writeValueAsBytes(tree));
        assertThat(back.headers()).isEmpty();
        assertThat(back.originalSender().isEmpty()).isTrue();
        assertThat(back.schemaVersion()).isEqualTo("1.0");
    }

    @Test
    void theSourceNameRoundTripsAndChangesNoId() throws Exception {
        Envelope plain = EnvelopeFixtures.advisory("named");
        Envelope named = plain.withSourceName("partner-imap");
        ObjectNode tree = (ObjectNode) json.readTree(codec.encode(named));
        assertThat(tree.at("/source/name").asText()).isEqualTo("partner-imap");
        assertThat(codec.decode(codec.encode(named))).isEqualTo(named);
        assertThat(named.envelopeId()).isEqualTo(plain.envelopeId())
                .isEqualTo(Envelope.stableId(named.source()));
        assertThat(named.source().listed()).isTrue();
        assertThat(plain.withSourceName(EnvelopeSource.DEFAULT_NAME).source().listed()).isFalse();
    }

    @Test
    void aVersionOneOneEnvelopeReadsWithoutASourceName() throws Exception {
        ObjectNode tree = (ObjectNode) json.readTree(codec.encode(EnvelopeFixtures.advisory("old").withSourceName("x")));
        ((ObjectNode) tree.get("source")).remove("name");
        tree.put("schemaVersion", "1.1");
        Envelope back = codec.decode(json.writeValueAsBytes(tree));
        assertThat(back.source().name()).isEmpty();
        assertThat(back.source().listed()).isFalse();
        assertThat(back.envelopeId()).isEqualTo(EnvelopeFixtures.advisory("old").envelopeId());
    }

    @Test
    void nonAsciiTextSurvivesUnescaped() throws Exception {
        Envelope envelope = Envelope.builder()
                .source(EnvelopeFixtures.source("id-ü"))
                .subject("Réunion été — 攻撃キャンペーン 🚨")
                .from(new EmailAddress("Zoë Ørsted", "zoe@exämple.org"))
                .receivedAt(Instant.parse("2025-05-09T10:11:12.345Z"))
                .body(new EnvelopeBody("text", "Ligne 1\nΓραμμή 2\n𝔘𝔫𝔦𝔠𝔬𝔡𝔢"))
                .fetchCycleId("c").fetchedAt(Instant.EPOCH).build();
        byte[] bytes = codec.encode(envelope);
        assertThat(new String(bytes, StandardCharsets.UTF_8)).contains("Réunion été — 攻撃キャンペーン 🚨");
        assertThat(codec.decode(bytes)).isEqualTo(envelope);
    }

    @Test
    void emptyBodyAndNoAttachmentsRoundTrip() throws Exception {
        Envelope envelope = Envelope.builder().source(EnvelopeFixtures.source("e"))
                .receivedAt(Instant.parse("2025-01-01T00:00:00Z")).fetchCycleId("c").fetchedAt(Instant.EPOCH)
                .build();
        Envelope back = codec.decode(codec.encode(envelope));
        assertThat(back).isEqualTo(envelope);
        assertThat(back.body().content()).isEmpty();
        assertThat(back.subject()).isEmpty();
        assertThat(back.attachments()).isEmpty();
    }

    @Test
    void tenMebibyteAttachmentRoundTrips() throws Exception {
        byte[] content = new byte[10 * 1024 * 1024];
        new Random(42).nextBytes(content);
        Envelope envelope = Envelope.builder().source(EnvelopeFixtures.source("big"))
                .receivedAt(Instant.parse("2025-01-01T00:00:00Z")).fetchCycleId("c").fetchedAt(Instant.EPOCH)
                .attachment(EnvelopeAttachment.of("dump.bin", "application/octet-stream", false,
                        AttachmentKind.FILE, content))
                .build();
        byte[] bytes = codec.encode(envelope);
        assertThat(bytes.length).isBetween(content.length * 4 / 3, content.length * 4 / 3 + 4096);
        Envelope back = codec.decode(bytes);
        assertThat(back.attachments().get(0).content()).isEqualTo(content);
        assertThat(back.attachments().get(0).sha256()).isEqualTo(EnvelopeAttachment.sha256Hex(content));
    }

    @Test
    void newerMinorVersionWithUnknownFieldsIsReadable() throws Exception {
        ObjectNode tree = (ObjectNode) json.readTree(codec.encode(EnvelopeFixtures.advisory("m")));
        tree.put("schemaVersion", "1.7");
        tree.put("someFutureField", "ignored");
        assertThat(codec.decode(json.writeValueAsBytes(tree)).envelopeId())
                .isEqualTo(EnvelopeFixtures.advisory("m").envelopeId());
    }

    @Test
    void unknownMajorVersionIsPoison() throws Exception {
        ObjectNode tree = (ObjectNode) json.readTree(codec.encode(EnvelopeFixtures.advisory("m")));
        tree.put("schemaVersion", "2.0");
        assertPoison(json.writeValueAsBytes(tree), Reason.UNKNOWN_SCHEMA_VERSION, "2.0");
    }

    @Test
    void jsonWithoutSchemaVersionIsNotAnEnvelopeRatherThanAnUnknownVersion() {
        assertPoison("{\"envelopeId\":\"x\"}".getBytes(StandardCharsets.UTF_8), Reason.NOT_AN_ENVELOPE,
                "no schemaVersion");
        assertPoison("{\"hello\":\"world\",\"items\":[1,2,3]}".getBytes(StandardCharsets.UTF_8),
                Reason.NOT_AN_ENVELOPE, "no schemaVersion");
        assertThat(Reason.NOT_AN_ENVELOPE.code()).isEqualTo("not-an-envelope");
    }

    @Test
    void aSchemaVersionThatIsNotAStringIsAnInvalidField() {
        assertPoison("{\"schemaVersion\":1,\"envelopeId\":\"x\"}".getBytes(StandardCharsets.UTF_8),
                Reason.INVALID_FIELD, "schemaVersion");
    }

    @Test
    void invalidJsonIsPoison() {
        assertPoison("{\"schemaVersion\":\"1.0\",".getBytes(StandardCharsets.UTF_8), Reason.INVALID_JSON, "JSON");
        assertPoison(new byte[] {(byte) 0xff, (byte) 0xfe, 0x00, 0x01}, Reason.INVALID_JSON, "JSON");
        assertPoison(new byte[0], Reason.INVALID_JSON, "empty");
    }

    @Test
    void jsonOfTheWrongShapeIsPoison() {
        assertPoison("[1,2,3]".getBytes(StandardCharsets.UTF_8), Reason.NOT_AN_ENVELOPE, "not a JSON object");
        assertPoison("\"hello\"".getBytes(StandardCharsets.UTF_8), Reason.NOT_AN_ENVELOPE, "not a JSON object");
    }

    @Test
    void missingRequiredFieldIsPoisonNamingTheField() throws Exception {
        ObjectNode tree = (ObjectNode) json.readTree(codec.encode(EnvelopeFixtures.advisory("m")));
        tree.remove("receivedAt");
        assertPoison(json.writeValueAsBytes(tree), Reason.MISSING_FIELD, "receivedAt");
        tree = (ObjectNode) json.readTree(codec.encode(EnvelopeFixtures.advisory("m")));
        tree.put("envelopeId", "");
        assertPoison(json.writeValueAsBytes(tree), Reason.MISSING_FIELD, "envelopeId");
    }

    @Test
    void wrongFieldTypeIsPoison() throws Exception {
        ObjectNode tree = (ObjectNode) json.readTree(codec.encode(EnvelopeFixtures.advisory("m")));
        tree.put("receivedAt", "yesterday");
        assertPoison(json.writeValueAsBytes(tree), Reason.INVALID_FIELD, "receivedAt");
    }

    @Test
    void attachmentWhoseDigestDoesNotMatchIsPoison() throws Exception {
        ObjectNode tree = (ObjectNode) json.readTree(codec.encode(EnvelopeFixtures.advisory("m")));
        ((ObjectNode) tree.at("/attachments/0")).put("sha256", "00".repeat(32));
        assertPoison(json.writeValueAsBytes(tree), Reason.INVALID_FIELD, "sha256");
    }

    @Test
    void stableIdIgnoresMailboxCaseAndFolder() {
        EnvelopeSource a = new EnvelopeSource("graph", "CTI@Example.org", "Inbox", "AAMk1", "");
        EnvelopeSource b = new EnvelopeSource("graph", "cti@example.org", "Archive", "AAMk1", "<x@y>");
        assertThat(Envelope.stableId(a)).isEqualTo(Envelope.stableId(b));
        assertThat(Envelope.stableId(a))
                .isNotEqualTo(Envelope.stableId(new EnvelopeSource("graph", "cti@example.org", "", "AAMk2", "")));
    }

    private void assertPoison(byte[] bytes, Reason reason, String messagePart) {
        assertThatThrownBy(() -> codec.decode(bytes))
                .isInstanceOf(PoisonEnvelopeException.class)
                .hasMessageContaining(messagePart)
                .extracting(e -> ((PoisonEnvelopeException) e).reason()).isEqualTo(reason);
    }
}
