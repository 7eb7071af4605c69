package io.emailintel.ingester.opencti;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.emailintel.ingester.stix.ReportBuilder;
import io.emailintel.ingester.stix.ReportOptions;
import io.emailintel.ingester.stix.StixBundle;
import io.emailintel.model.EnvelopeFixtures;
import java.time.Clock;
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
        // created_by_ref + one marking + one object ref
        assertThat(PushMessages.referenceCount(report)).isEqualTo(3);
        assertThat(PushMessages.referenceCount(bundle.objects().get(0))).isZero();
    }

    @Test
    void theMessageIsPyctisFormatWithTheBundleInBase64() throws Exception {
        ObjectNode part = PushMessages.split(bundle).get(2);
        ObjectNode m = PushMessages.message(part, 3, "user-1", "work-1");
        assertThat(m.get("bundle_type").asText()).isEqualTo("QUEUE_BUNDLE");
        assertThat(m.get("applicant_id").asText()).isEqualTo("user-1");
        assertThat(m.get("action_sequence").asInt()).isEqualTo(3);
        assertThat(m.get("entities_types").isArray()).isTrue();
        assertThat(m.get("update").asBoolean()).isFalse();
        assertThat(m.get("draft_id").isNull()).isTrue();
        assertThat(m.get("work_id").asText()).isEqualTo("work-1");
        JsonNode decoded = JsonMapper.builder().build().readTree(Base64.getDecoder().decode(m.get("content").asText()));
        assertThat(decoded).isEqualTo(part);
    }
}
