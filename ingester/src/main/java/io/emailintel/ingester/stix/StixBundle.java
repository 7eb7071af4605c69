package io.emailintel.ingester.stix;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * A STIX 2.1 bundle built for one e-mail, with the id of its report.
 *
 * @param reportId the report's deterministic id
 * @param json     the bundle; treat as read-only
 */
public record StixBundle(String reportId, ObjectNode json) {

    static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
            .build();

    public ArrayNode objects() {
        return (ArrayNode) json.get("objects");
    }

    public String toJson() {
        try {
            return MAPPER.writeValueAsString(json);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public byte[] toUtf8() {
        return toJson().getBytes(StandardCharsets.UTF_8);
    }

    public static ObjectMapper mapper() {
        return MAPPER;
    }
}
