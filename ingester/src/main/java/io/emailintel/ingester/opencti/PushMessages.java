package io.emailintel.ingester.opencti;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.emailintel.ingester.stix.StixBundle;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * pycti's push format: the bundle split into one single-object bundle per STIX object, ordered by how many
 * references each object has (dependencies first), each object numbered with {@code x_opencti_seq}, wrapped
 * in the JSON message OpenCTI's workers read.
 */
final class PushMessages {

    private PushMessages() {
    }

    static List<ObjectNode> split(StixBundle bundle) {
        List<JsonNode> objects = new ArrayList<>();
        bundle.objects().forEach(objects::add);
        // stable sort: equal counts keep the bundle's order, so the split is deterministic
        objects.sort(Comparator.comparingInt(PushMessages::referenceCount));
        List<ObjectNode> out = new ArrayList<>();
        int seq = 1;
        for (JsonNode object : objects) {
            ObjectNode copy = object.deepCopy();
            copy.put("x_opencti_seq", seq++);
            ObjectNode single = JsonNodeFactory.instance.objectNode();
            single.put("type", "bundle");
            single.put("id", "bundle--" + UUID.randomUUID());
            single.put("spec_version", "2.1");
            single.putArray("objects").add(copy);
            out.add(single);
        }
        return out;
    }

    static int referenceCount(JsonNode object) {
        int n = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            if (f.getKey().endsWith("_ref")) {
                n++;
            } else if (f.getKey().endsWith("_refs") && f.getValue().isArray()) {
                n += f.getValue().size();
            }
        }
        return n;
    }

    /** The message body for one split bundle. */
    static ObjectNode message(ObjectNode singleBundle, int sequence, String applicantId, String workId) {
        ObjectNode m = JsonNodeFactory.instance.objectNode();
        m.put("bundle_type", "QUEUE_BUNDLE");
        m.put("applicant_id", applicantId);
        m.put("action_sequence", sequence);
        m.putArray("entities_types");
        m.put("content", Base64.getEncoder().encodeToString(
                new StixBundle(null, singleBundle).toJson().getBytes(StandardCharsets.UTF_8)));
        m.put("update", false);
        m.putNull("draft_id");
        m.put("work_id", workId);
        return m;
    }
}
