package io.emailintel.ingester.stix;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.UUID;

/**
 * Deterministic STIX ids exactly as pycti computes them, so reports made by this ingester and by the Python
 * connector for the same e-mail are the same OpenCTI object: UUIDv5 (SHA-1) in OpenCTI's namespace over the
 * RFC 8785 canonical JSON of the id contributing properties.
 */
public final class StixIds {

    /** pycti's namespace for generated ids. */
    static final UUID OPENCTI_NAMESPACE = UUID.fromString("00abedb4-aa42-466c-9c01-fed23315a9b7");

    private static final DateTimeFormatter PYTHON_SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss")
            .withZone(ZoneOffset.UTC);

    private StixIds() {
    }

    /** {@code report--…} from {@code {"name": lower(strip(name)), "published": isoformat(published)}}. */
    public static String reportId(String name, Instant published) {
        ObjectNode data = JsonNodeFactory.instance.objectNode();
        data.put("name", pythonNormalize(name));
        data.put("published", pythonIsoFormat(published));
        return "report--" + uuid5(OPENCTI_NAMESPACE, CanonicalJson.canonicalize(data));
    }

    /** {@code identity--…} of an organization. */
    public static String organizationId(String name) {
        ObjectNode data = JsonNodeFactory.instance.objectNode();
        data.put("name", pythonNormalize(name));
        data.put("identity_class", "organization");
        return "identity--" + uuid5(OPENCTI_NAMESPACE, CanonicalJson.canonicalize(data));
    }

    /**
     * {@code type--} UUIDv5 in the namespace over the canonical JSON of {@code idProperties}: the STIX 2.1
     * deterministic id of a cyber-observable (§2.9: the SCO namespace is this same UUID) and pycti's
     * {@code generate_id} of indicators, vulnerabilities and relationships.
     */
    public static String deterministic(String type, ObjectNode idProperties) {
        return type + "--" + uuid5(OPENCTI_NAMESPACE, CanonicalJson.canonicalize(idProperties));
    }

    /** pycti's {@code lower().strip()} of names in ids. */
    public static String normalizedName(String name) {
        return pythonNormalize(name);
    }

    /** A random-looking but reproducible id for anything keyed by text (bundle ids). */
    static UUID nameBased(String name) {
        return uuid5(OPENCTI_NAMESPACE, name);
    }

    /** RFC 4122 version 5: SHA-1 over the namespace bytes and the UTF-8 name. */
    static UUID uuid5(UUID namespace, String name) {
        MessageDigest sha1;
        try {
            sha1 = MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is required by every JVM", e);
        }
        ByteBuffer ns = ByteBuffer.allocate(16);
        ns.putLong(namespace.getMostSignificantBits()).putLong(namespace.getLeastSignificantBits());
        sha1.update(ns.array());
        byte[] hash = sha1.digest(name.getBytes(StandardCharsets.UTF_8));
        hash[6] = (byte) ((hash[6] & 0x0f) | 0x50);
        hash[8] = (byte) ((hash[8] & 0x3f) | 0x80);
        ByteBuffer b = ByteBuffer.wrap(hash, 0, 16);
        return new UUID(b.getLong(), b.getLong());
    }

    /**
     * Python's {@code datetime.isoformat()} of an aware UTC datetime: {@code 2025-05-09T10:11:12+00:00}, with
     * {@code .ffffff} (microseconds, Python's precision) only when the fraction is not zero.
     */
    static String pythonIsoFormat(Instant instant) {
        Instant micros = instant.truncatedTo(ChronoUnit.MICROS);
        StringBuilder out = new StringBuilder(PYTHON_SECONDS.format(micros));
        int fraction = micros.getNano() / 1000;
        if (fraction != 0) {
            out.append('.').append(String.format(Locale.ROOT, "%06d", fraction));
        }
        return out.append("+00:00").toString();
    }

    /** Python's {@code s.lower().strip()}: Python strips every Unicode space, Java's strip() fewer. */
    static String pythonNormalize(String s) {
        String lower = s.toLowerCase(Locale.ROOT);
        int start = 0;
        int end = lower.length();
        while (start < end && isPythonSpace(lower.charAt(start))) {
            start++;
        }
        while (end > start && isPythonSpace(lower.charAt(end - 1))) {
            end--;
        }
        return lower.substring(start, end);
    }

    private static boolean isPythonSpace(char c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c) || c == '\u0085';
    }
}
