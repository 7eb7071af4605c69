package io.emailintel.ingester.observables;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.emailintel.ingester.stix.StixIds;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * Extraction → STIX 2.1 objects for the report to contain. Cyber-observables get the deterministic ids of the
 * STIX 2.1 specification (§2.9, and each SCO's "ID Contributing Properties": {@code value} for addresses,
 * domains and URLs; {@code hashes} for files — one hash each here, which python-stix2's choice of hash keeps as
 * is), so OpenCTI and other producers de-duplicate with them. Vulnerabilities, indicators and their
 * {@code based-on} relationships get pycti's ids ({@code Vulnerability.generate_id(name)},
 * {@code Indicator.generate_id(pattern)}, {@code StixCoreRelationship.generate_id(type, source, target)}).
 * Every object carries the report's marking and author; SCOs have no {@code created_by_ref} in STIX, so they
 * carry OpenCTI's {@code x_opencti_created_by_ref} (what pycti's import reads, opencti_stix2.py).
 */
public final class ObservableObjects {

    private static final DateTimeFormatter MILLIS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    private ObservableObjects() {
    }

    /**
     * The objects for {@code extraction}: observables (and vulnerabilities), then, with indicators, one indicator
     * and one relationship per observable. Created at the e-mail's received time, modified now (never before).
     */
    public static List<ObjectNode> of(Extraction extraction, ExtractMode mode, String authorId, String markingId,
                                      Instant published, Instant now) {
        List<ObjectNode> out = new ArrayList<>();
        if (mode == ExtractMode.OFF || extraction.isEmpty()) {
            return out;
        }
        Instant createdAt = published.truncatedTo(ChronoUnit.MILLIS);
        Instant nowMillis = now.truncatedTo(ChronoUnit.MILLIS);
        String created = MILLIS.format(createdAt);
        String modified = MILLIS.format(nowMillis.isBefore(createdAt) ? createdAt : nowMillis);
        List<ObjectNode> indicators = new ArrayList<>();
        for (Observable o : extraction.observables()) {
            if (o.type() == ObservableType.CVE) {
                out.add(vulnerability(o, authorId, markingId, created, modified));
                continue;
            }
            ObjectNode sco = sco(o, authorId, markingId);
            out.add(sco);
            if (mode == ExtractMode.INDICATORS) {
                ObjectNode indicator = indicator(o, authorId, markingId, created, modified);
                indicators.add(indicator);
                indicators.add(basedOn(indicator.get("id").textValue(), sco.get("id").textValue(), authorId,
                        markingId, created, modified));
            }
        }
        out.addAll(indicators);
        return out;
    }

    static String scoId(Observable o) {
        return StixIds.deterministic(o.type().stixType, idProperties(o));
    }

    private static ObjectNode idProperties(Observable o) {
        ObjectNode id = JsonNodeFactory.instance.objectNode();
        if (o.type().isHash()) {
            id.putObject("hashes").put(o.type().hashAlgorithm(), o.value());
        } else {
            id.put("value", o.value());
        }
        return id;
    }

    private static ObjectNode sco(Observable o, String authorId, String markingId) {
        ObjectNode sco = JsonNodeFactory.instance.objectNode();
        sco.put("type", o.type().stixType);
        sco.put("spec_version", "2.1");
        sco.put("id", scoId(o));
        if (o.type().isHash()) {
            sco.putObject("hashes").put(o.type().hashAlgorithm(), o.value());
        } else {
            sco.put("value", o.value());
        }
        sco.putArray("object_marking_refs").add(markingId);
        sco.put("x_opencti_created_by_ref", authorId);
        return sco;
    }

    private static ObjectNode vulnerability(Observable o, String authorId, String markingId, String created,
                                            String modified) {
        ObjectNode id = JsonNodeFactory.instance.objectNode().put("name", StixIds.normalizedName(o.value()));
        ObjectNode v = sdo("vulnerability", StixIds.deterministic("vulnerability", id), created, modified);
        v.put("name", o.value());
        return common(v, authorId, markingId);
    }

    static String pattern(Observable o) {
        String literal = o.value().replace("\\", "\\\\").replace("'", "\\'");
        return "[" + o.type().patternPath + " = '" + literal + "']";
    }

    private static ObjectNode indicator(Observable o, String authorId, String markingId, String created,
                                        String modified) {
        String pattern = pattern(o);
        ObjectNode id = JsonNodeFactory.instance.objectNode().put("pattern", pattern.strip());
        ObjectNode i = sdo("indicator", StixIds.deterministic("indicator", id), created, modified);
        i.put("name", o.value());
        i.put("pattern", pattern);
        i.put("pattern_type", "stix");
        i.put("pattern_version", "2.1");
        i.put("valid_from", created);
        i.put("x_opencti_main_observable_type", o.type().openCtiType);
        return common(i, authorId, markingId);
    }

    private static ObjectNode basedOn(String indicatorId, String observableId, String authorId, String markingId,
                                      String created, String modified) {
        ObjectNode id = JsonNodeFactory.instance.objectNode();
        id.put("relationship_type", "based-on");
        id.put("source_ref", indicatorId);
        id.put("target_ref", observableId);
        ObjectNode r = sdo("relationship", StixIds.deterministic("relationship", id), created, modified);
        r.put("relationship_type", "based-on");
        r.put("source_ref", indicatorId);
        r.put("target_ref", observableId);
        return common(r, authorId, markingId);
    }

    private static ObjectNode sdo(String type, String id, String created, String modified) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("type", type);
        o.put("spec_version", "2.1");
        o.put("id", id);
        o.put("created", created);
        o.put("modified", modified);
        return o;
    }

    private static ObjectNode common(ObjectNode o, String authorId, String markingId) {
        o.put("created_by_ref", authorId);
        o.putArray("object_marking_refs").add(markingId);
        return o;
    }
}
