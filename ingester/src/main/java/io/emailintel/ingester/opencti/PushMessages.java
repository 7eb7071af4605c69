package io.emailintel.ingester.opencti;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.BinaryNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.emailintel.ingester.stix.StixBundle;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
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
 *
 * <p>{@code "work_id"} is always null, as pycti sends it when no work was started
 * ({@code pycti/connector/opencti_connector_helper.py} {@code _send_bundle}: {@code work_id} defaults to None): the platform's worker (opencti-worker {@code src/push_handler.py}) checks a work's
 * liveness and adds expectations only {@code if work_id is not None}, and drops the message of a work that is no
 * longer alive. A message without a work id is always imported (docs/OPENCTI-WORKS.md).
 */
public final class PushMessages {

    /** The bundle mapper, leaving the target stream open (the base64 stream is closed by us, once). */
    private static final ObjectWriter WRITER = StixBundle.mapper().writer()
            .without(JsonGenerator.Feature.AUTO_CLOSE_TARGET);

    private PushMessages() {
    }

    /**
     * The bodies of every message of one push, in publishing order ({@link #split} then {@link #body}, numbered
     * from 1), as {@link PushPublisher} publishes them; public for the bench's in-process CPU measurement.
     */
    public static List<byte[]> bodies(StixBundle bundle, String applicantId) {
        List<byte[]> bodies = new ArrayList<>();
        int seq = 1;
        for (ObjectNode part : split(bundle)) {
            bodies.add(body(part, seq++, applicantId));
        }
        return bodies;
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
    static ObjectNode message(ObjectNode singleBundle, int sequence, String applicantId) {
        ObjectNode m = JsonNodeFactory.instance.objectNode();
        m.put("bundle_type", "QUEUE_BUNDLE");
        m.put("applicant_id", applicantId);
        m.put("action_sequence", sequence);
        m.putArray("entities_types");
        m.put("content", Base64.getEncoder().encodeToString(
                new StixBundle(null, singleBundle).toJson().getBytes(StandardCharsets.UTF_8)));
        m.put("update", false);
        m.putNull("draft_id");
        m.putNull("work_id");
        return m;
    }

    /**
     * Attachment bytes up to which a message's bundle is serialised once, into a temporary array, instead of twice
     * (once only to count). Below it the copy is small and the second serialisation (base64 of the attachment and
     * all) was most of the cost of a push (issue 20); above it the copy would be several MiB per message.
     */
    static final int SERIALISED_ONCE_UP_TO = 1024 * 1024;

    /**
     * {@link #message} as the UTF-8 bytes to publish, byte for byte, without its intermediate copies: the
     * single bundle is serialised straight through a base64 encoder into one array of the exact final size.
     * With a 12 MiB attachment the naive way (bundle JSON as a String, its bytes, their base64 String, the
     * message JSON as a String, its bytes) holds about six copies of 16–21 MiB at once per e-mail; this holds
     * only the result (the tree is serialised twice, once to count, when its attachments exceed
     * {@link #SERIALISED_ONCE_UP_TO}; smaller ones are serialised once and encoded from that copy).
     */
    static byte[] body(ObjectNode singleBundle, int sequence, String applicantId) {
        try {
            byte[] json = null;
            long length;
            if (attachmentBytes(singleBundle) <= SERIALISED_ONCE_UP_TO) {
                json = WRITER.writeValueAsBytes(singleBundle);
                length = json.length;
            } else {
                Counting counting = new Counting();
                WRITER.writeValue(counting, singleBundle);
                length = counting.count;
            }
            long base64 = 4 * ((length + 2) / 3);
            // the envelope of the content: everything before and after the base64 text, as JSON
            ByteArrayOutputStream frame = new ByteArrayOutputStream(256);
            int contentAt;
            try (JsonGenerator g = StixBundle.mapper().getFactory().createGenerator(frame)) {
                g.writeStartObject();
                g.writeStringField("bundle_type", "QUEUE_BUNDLE");
                g.writeStringField("applicant_id", applicantId);
                g.writeNumberField("action_sequence", sequence);
                g.writeArrayFieldStart("entities_types");
                g.writeEndArray();
                g.writeFieldName("content");
                g.writeRawValue(""); // writes the ':'; the value goes in between
                g.flush();
                contentAt = frame.size();
                g.writeBooleanField("update", false);
                g.writeNullField("draft_id");
                g.writeNullField("work_id");
                g.writeEndObject();
            }
            byte[] framing = frame.toByteArray();
            long total = framing.length + 2 + base64;
            if (total > Integer.MAX_VALUE - 16) {
                throw new IllegalArgumentException("push message of " + total + " bytes is too large for one array");
            }
            Fixed out = new Fixed(new byte[(int) total]);
            out.write(framing, 0, contentAt);
            out.write('"');
            OutputStream encoder = Base64.getEncoder().wrap(out);
            if (json != null) {
                encoder.write(json);
            } else {
                WRITER.writeValue(encoder, singleBundle);
            }
            encoder.close(); // writes the padding; closing a Fixed does nothing
            out.write('"');
            out.write(framing, contentAt, framing.length - contentAt);
            return out.full();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The bytes of the attachments (x_opencti_files data) the objects of a bundle carry. */
    private static long attachmentBytes(ObjectNode bundle) {
        long bytes = 0;
        for (JsonNode object : bundle.path("objects")) {
            for (JsonNode file : object.path("x_opencti_files")) {
                JsonNode data = file.get("data");
                bytes += data == null ? 0 : data.isBinary() ? ((BinaryNode) data).binaryValue().length
                        : data.isTextual() ? data.textValue().length() : 0;
            }
        }
        return bytes;
    }

    /** Counts bytes and keeps none. */
    private static final class Counting extends OutputStream {
        long count;

        @Override
        public void write(int b) {
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            count += len;
        }
    }

    /** Writes into an array of the exact size; anything else is a bug in the size computation. */
    private static final class Fixed extends OutputStream {
        private final byte[] bytes;
        private int at;

        Fixed(byte[] bytes) {
            this.bytes = bytes;
        }

        @Override
        public void write(int b) {
            bytes[at++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            System.arraycopy(b, off, bytes, at, len);
            at += len;
        }

        byte[] full() {
            if (at != bytes.length) {
                throw new IllegalStateException("push message size: wrote " + at + " of " + bytes.length + " bytes");
            }
            return bytes;
        }
    }
}
