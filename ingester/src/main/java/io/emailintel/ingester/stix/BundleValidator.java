package io.emailintel.ingester.stix;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Structural STIX 2.1 checks on a bundle before it leaves: required common and type-specific properties,
 * id formats, timestamp formats, that every {@code *_ref(s)} resolves to an object in the bundle, that a report's
 * name is one OpenCTI accepts ({@link PlatformName}), and that attached files have safe names, unique ignoring
 * case. A report needs no {@code object_refs}: OpenCTI accepts reports without them, as the Python connector
 * sends them.
 */
public final class BundleValidator {

    private static final Pattern ID = Pattern.compile(
            "([a-z][a-z0-9-]*[a-z0-9])--[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
    private static final Pattern TIMESTAMP = Pattern.compile(
            "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?Z");
    /** No path separators, no leading dot, no control, format (bidi) or separator characters. */
    private static final Pattern SAFE_NAME = Pattern.compile("(?!\\.)[^/\\\\:\\p{Cc}\\p{Cf}\\p{Zl}\\p{Zp}\\p{Cs}]+");
    private static final Map<String, List<String>> REQUIRED = Map.ofEntries(
            Map.entry("report", List.of("created", "modified", "name", "published")),
            Map.entry("identity", List.of("created", "modified", "name")),
            Map.entry("marking-definition", List.of("created")),
            // extracted observables (STIX 2.1 §6: SCOs have no created/modified) and what is built on them
            Map.entry("ipv4-addr", List.of("value")),
            Map.entry("ipv6-addr", List.of("value")),
            Map.entry("domain-name", List.of("value")),
            Map.entry("url", List.of("value")),
            Map.entry("email-addr", List.of("value")),
            Map.entry("file", List.of("hashes")),
            Map.entry("vulnerability", List.of("created", "modified", "name")),
            Map.entry("indicator", List.of("created", "modified", "pattern", "pattern_type", "valid_from")),
            Map.entry("relationship", List.of("created", "modified", "relationship_type", "source_ref",
                    "target_ref")));

    private BundleValidator() {
    }

    public static void validate(JsonNode bundle) throws InvalidBundleException {
        List<String> problems = problems(bundle);
        if (!problems.isEmpty()) {
            throw new InvalidBundleException(problems);
        }
    }

    /** Every problem found, empty when the bundle is valid. */
    public static List<String> problems(JsonNode bundle) {
        List<String> p = new ArrayList<>();
        if (bundle == null || !bundle.isObject()) {
            return List.of("bundle is not a JSON object");
        }
        if (!"bundle".equals(text(bundle, "type"))) {
            p.add("bundle type must be 'bundle'");
        }
        checkId(bundle, "bundle", "bundle", p);
        JsonNode objects = bundle.get("objects");
        if (objects == null || !objects.isArray() || objects.isEmpty()) {
            p.add("bundle has no objects");
            return p;
        }
        Set<String> ids = new HashSet<>();
        for (JsonNode o : objects) {
            String id = text(o, "id");
            if (id != null && !ids.add(id)) {
                p.add("duplicate id " + id);
            }
        }
        for (JsonNode o : objects) {
            checkObject(o, ids, p);
        }
        return p;
    }

    private static void checkObject(JsonNode o, Set<String> ids, List<String> p) {
        String type = text(o, "type");
        String id = text(o, "id");
        String where = id == null ? "object of type " + type : id;
        if (type == null || type.isBlank()) {
            p.add(where + ": missing type");
            return;
        }
        if (!"2.1".equals(text(o, "spec_version"))) {
            p.add(where + ": spec_version must be 2.1");
        }
        checkId(o, type, where, p);
        for (String required : REQUIRED.getOrDefault(type, List.of("created", "modified"))) {
            JsonNode v = o.get(required);
            if (v == null || v.isNull() || (v.isTextual() && v.textValue().isBlank())
                    || (v.isArray() && v.isEmpty())) {
                p.add(where + ": missing required property " + required);
            }
        }
        for (String ts : List.of("created", "modified", "published", "valid_from")) {
            String v = text(o, ts);
            if (o.has(ts) && (v == null || !validTimestamp(v))) {
                p.add(where + ": " + ts + " is not a STIX timestamp: " + o.get(ts));
            }
        }
        String created = text(o, "created");
        String modified = text(o, "modified");
        if (created != null && modified != null && validTimestamp(created) && validTimestamp(modified)
                && Instant.parse(modified).isBefore(Instant.parse(created))) {
            p.add(where + ": modified is before created");
        }
        String name = text(o, "name");
        if ("report".equals(type) && name != null && !name.isBlank() && !PlatformName.accepted(name)) {
            p.add(where + ": OpenCTI refuses the name " + o.get("name") + " (at least " + PlatformName.MIN_LENGTH
                    + " characters as it counts them, not only spaces)");
        }
        if ("report".equals(type) && o.has("report_types") && !o.get("report_types").isArray()) {
            p.add(where + ": report_types must be a list");
        }
        if ("identity".equals(type) && o.has("identity_class") && !o.get("identity_class").isTextual()) {
            p.add(where + ": identity_class must be a string");
        }
        JsonNode refs = o.get("external_references");
        if (refs != null) {
            for (JsonNode ref : refs) {
                if (text(ref, "source_name") == null) {
                    p.add(where + ": external reference without source_name");
                }
                if (text(ref, "description") == null && text(ref, "url") == null
                        && text(ref, "external_id") == null) {
                    p.add(where + ": external reference needs description, url or external_id");
                }
            }
        }
        checkFiles(o.get("x_opencti_files"), where, p);
        checkRefs(o, ids, where, p);
    }

    /**
     * OpenCTI stores a report's files by lower-cased name, and an analyst downloads them by that name: each
     * needs a name without path or control characters, unique ignoring case, content and a type.
     */
    private static void checkFiles(JsonNode files, String where, List<String> p) {
        if (files == null) {
            return;
        }
        if (!files.isArray()) {
            p.add(where + ": x_opencti_files must be a list");
            return;
        }
        Set<String> names = new HashSet<>();
        for (JsonNode f : files) {
            String name = text(f, "name");
            if (name == null || name.isBlank()) {
                p.add(where + ": a file without a name");
            } else {
                if (!SAFE_NAME.matcher(name).matches()) {
                    p.add(where + ": file name is not safe: " + name.codePoints()
                            .mapToObj(cp -> cp < 0x20 || cp > 0x7E ? String.format("\\u%04X", cp)
                                    : Character.toString(cp)).reduce("", String::concat));
                }
                if (!names.add(name.toLowerCase(Locale.ROOT))) {
                    p.add(where + ": two files named " + name + " ignoring case");
                }
            }
            JsonNode data = f.get("data");
            if (data == null || !(data.isTextual() || data.isBinary())) { // binary: written as base64
                p.add(where + ": file " + name + " has no data");
            }
            String type = text(f, "mime_type");
            if (type == null || !type.contains("/")) {
                p.add(where + ": file " + name + " has no MIME type");
            }
        }
    }

    /** Every {@code *_ref} and {@code *_refs}, at any depth (files carry marking refs too). */
    private static void checkRefs(JsonNode node, Set<String> ids, String where, List<String> p) {
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String name = field.getKey();
            JsonNode value = field.getValue();
            if (name.endsWith("_ref")) {
                resolve(value, ids, where, name, p);
            } else if (name.endsWith("_refs")) {
                if (!value.isArray()) {
                    p.add(where + ": " + name + " must be a list");
                } else {
                    value.forEach(v -> resolve(v, ids, where, name, p));
                }
            } else if (value.isObject()) {
                checkRefs(value, ids, where, p);
            } else if (value.isArray()) {
                value.forEach(v -> {
                    if (v.isObject()) {
                        checkRefs(v, ids, where, p);
                    }
                });
            }
        }
    }

    private static void resolve(JsonNode ref, Set<String> ids, String where, String name, List<String> p) {
        if (!ref.isTextual() || !ID.matcher(ref.textValue()).matches()) {
            p.add(where + ": " + name + " is not a STIX id: " + ref);
        } else if (!ids.contains(ref.textValue())) {
            p.add(where + ": " + name + " " + ref.textValue() + " does not resolve inside the bundle");
        }
    }

    private static void checkId(JsonNode o, String type, String where, List<String> p) {
        String id = text(o, "id");
        if (id == null) {
            p.add(where + ": missing id");
            return;
        }
        var m = ID.matcher(id);
        if (!m.matches()) {
            p.add(where + ": id is not type--UUID: " + id);
        } else if (!m.group(1).equals(type)) {
            p.add(where + ": id prefix does not match type " + type);
        }
    }

    private static boolean validTimestamp(String v) {
        if (!TIMESTAMP.matcher(v).matches()) {
            return false;
        }
        try {
            Instant.parse(v);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static String text(JsonNode o, String field) {
        JsonNode v = o == null ? null : o.get(field);
        return v != null && v.isTextual() ? v.textValue() : null;
    }
}
