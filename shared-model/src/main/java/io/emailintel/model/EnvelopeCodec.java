package io.emailintel.model;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.emailintel.model.PoisonEnvelopeException.Reason;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;

/**
 * Reads and writes envelopes as UTF-8 JSON. Thread-safe; share one instance.
 *
 * <p>Every way a document can fail to be an envelope ends in one {@link PoisonEnvelopeException}, whose
 * {@link PoisonEnvelopeException#reason() reason} tells which: not JSON, JSON that is not an envelope (no
 * {@code schemaVersion}), an unknown major version, a missing or invalid field. Unknown fields are ignored, so a newer minor version stays readable.
 */
public final class EnvelopeCodec {

    /** Base64 attachments make long strings; Jackson's default cap (20 M chars) is too close for comfort. */
    private static final int MAX_STRING_LENGTH = 96 * 1024 * 1024;

    private final JsonFactory factory;
    private final ObjectReader reader;
    private final ObjectWriter writer;

    public EnvelopeCodec() {
        ObjectMapper mapper = JsonMapper.builder()
                .addModule(new JavaTimeModule())
                // emoji and other non-BMP characters as UTF-8, not as escaped surrogate pairs
                .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .build();
        mapper.getFactory().setStreamReadConstraints(
                StreamReadConstraints.builder().maxStringLength(MAX_STRING_LENGTH).build());
        this.factory = mapper.getFactory();
        this.reader = mapper.readerFor(Envelope.class);
        this.writer = mapper.writerFor(Envelope.class);
    }

    /** The envelope as UTF-8 JSON. */
    public byte[] encode(Envelope envelope) {
        try {
            return writer.writeValueAsBytes(envelope);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("cannot write envelope " + envelope.envelopeId(), e);
        }
    }

    /**
     * Reads an envelope.
     *
     * @throws PoisonEnvelopeException when the bytes are not an envelope this code can read
     */
    public Envelope decode(byte[] json) throws PoisonEnvelopeException {
        if (json == null || json.length == 0) {
            throw new PoisonEnvelopeException(Reason.INVALID_JSON, "empty message body");
        }
        checkSchemaVersion(json);
        try {
            return reader.readValue(json);
        } catch (ValueInstantiationException e) {
            Throwable cause = e.getCause();
            String detail = cause == null ? e.getOriginalMessage() : cause.getMessage();
            boolean missing = cause instanceof NullPointerException
                    || detail != null && detail.endsWith(" is required");
            throw new PoisonEnvelopeException(missing ? Reason.MISSING_FIELD : Reason.INVALID_FIELD,
                    (missing ? "missing required field: " : "invalid envelope: ") + detail + at(e), e);
        } catch (MismatchedInputException e) {
            throw new PoisonEnvelopeException(Reason.INVALID_FIELD,
                    "invalid field " + e.getPathReference() + ": " + e.getOriginalMessage(), e);
        } catch (JsonProcessingException e) {
            throw new PoisonEnvelopeException(Reason.INVALID_JSON, "not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new PoisonEnvelopeException(Reason.INVALID_JSON, "unreadable envelope: " + e.getMessage(), e);
        }
    }

    /**
     * Reads the identifying fields of an envelope in one streaming pass, skipping attachment content, for
     * listings of many (possibly large) messages. Never throws: fields that cannot be read are left empty,
     * and bytes that are not a JSON object give {@code null}.
     */
    public EnvelopeSummary summarize(byte[] json) {
        String id = "";
        String subject = "";
        String from = "";
        String sender = "";
        String version = "";
        Instant received = null;
        try (JsonParser parser = factory.createParser(json)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if (value == JsonToken.VALUE_STRING) {
                    switch (field) {
                        case "envelopeId" -> id = parser.getText();
                        case "subject" -> subject = parser.getText();
                        case "schemaVersion" -> version = parser.getText();
                        case "receivedAt" -> received = parseInstant(parser.getText());
                        default -> { }
                    }
                } else if (value == JsonToken.START_OBJECT && (field.equals("from") || field.equals("sender"))) {
                    String address = addressOf(parser);
                    if (field.equals("from")) {
                        from = address;
                    } else {
                        sender = address;
                    }
                } else {
                    parser.skipChildren();
                }
            }
        } catch (IOException e) {
            // a truncated or broken document: keep what was read
        }
        return new EnvelopeSummary(id, subject, from.isEmpty() ? sender : from, received, version);
    }

    private static String addressOf(JsonParser parser) throws IOException {
        String address = "";
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            JsonToken value = parser.nextToken();
            if ("address".equals(name) && value == JsonToken.VALUE_STRING) {
                address = parser.getText();
            } else {
                parser.skipChildren();
            }
        }
        return address;
    }

    private static Instant parseInstant(String text) {
        try {
            return Instant.parse(text);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static String at(JsonProcessingException e) {
        return e.getLocation() == null ? "" : " (at byte " + e.getLocation().getByteOffset() + ")";
    }

    /** Finds the top-level schemaVersion with a streaming pass that skips (never materialises) other values. */
    private void checkSchemaVersion(byte[] json) throws PoisonEnvelopeException {
        String version = null;
        try (JsonParser parser = factory.createParser(json)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new PoisonEnvelopeException(Reason.NOT_AN_ENVELOPE, "not an envelope: not a JSON object");
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if ("schemaVersion".equals(field)) {
                    if (value != JsonToken.VALUE_STRING) {
                        throw new PoisonEnvelopeException(Reason.INVALID_FIELD,
                                "invalid field schemaVersion: expected a \"major.minor\" string, got " + value);
                    }
                    version = parser.getText();
                    break;
                }
                parser.skipChildren();
            }
        } catch (JsonProcessingException e) {
            throw new PoisonEnvelopeException(Reason.INVALID_JSON, "not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new PoisonEnvelopeException(Reason.INVALID_JSON, "unreadable envelope: " + e.getMessage(), e);
        }
        if (version == null) {
            // JSON of some other shape (another producer's message on our queue), not a future envelope
            throw new PoisonEnvelopeException(Reason.NOT_AN_ENVELOPE, "not an envelope: no schemaVersion field");
        }
        int major = majorOf(version);
        if (major != Envelope.SCHEMA_MAJOR) {
            throw new PoisonEnvelopeException(Reason.UNKNOWN_SCHEMA_VERSION,
                    "schemaVersion " + version + " is not readable by this ingester (reads "
                            + Envelope.SCHEMA_MAJOR + ".x)");
        }
    }

    private static int majorOf(String version) {
        int dot = version.indexOf('.');
        String major = dot < 0 ? version : version.substring(0, dot);
        try {
            return Integer.parseInt(major.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
