package io.emailintel.ingester.stix;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;

/**
 * The TLP levels and their fixed marking-definition ids, which OpenCTI ships and resolves by id. Four are the
 * STIX 2.1 standard objects; TLP:AMBER+STRICT is OpenCTI's custom statement marking.
 */
public enum Tlp {
    CLEAR("marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9", "white"),
    GREEN("marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da", "green"),
    AMBER("marking-definition--f88d31f6-486f-44da-b317-01333bde0b82", "amber"),
    AMBER_STRICT("marking-definition--826578e1-40ad-459f-bc73-ede076f81f37", null),
    RED("marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed", "red");

    /** The {@code created} of the STIX 2.1 TLP objects (stix2's TLP_WHITE etc.). */
    static final String STANDARD_CREATED = "2017-01-20T00:00:00.000Z";

    private final String markingId;
    private final String stixTlp;

    Tlp(String markingId, String stixTlp) {
        this.markingId = markingId;
        this.stixTlp = stixTlp;
    }

    /** The level named by {@code email_intel_microsoft.tlp_level}: clear, white, green, amber, amber+strict, red. */
    public static Tlp fromSetting(String level) {
        return switch (level.strip().toLowerCase(Locale.ROOT)) {
            case "clear", "white" -> CLEAR;
            case "green" -> GREEN;
            case "amber" -> AMBER;
            case "amber+strict", "amber_strict" -> AMBER_STRICT;
            case "red" -> RED;
            default -> throw new IllegalArgumentException("unknown TLP level '" + level
                    + "' (expected clear, white, green, amber, amber+strict or red)");
        };
    }

    /** The TLP 2.0 label, e.g. {@code TLP:AMBER+STRICT} ({@code TLP:CLEAR} for clear/white). */
    public String label() {
        return this == AMBER_STRICT ? "TLP:AMBER+STRICT" : this == CLEAR ? "TLP:CLEAR" : "TLP:" + name();
    }

    public String markingId() {
        return markingId;
    }

    /** The marking-definition object, so the bundle is self-contained. */
    ObjectNode definition() {
        ObjectNode m = JsonNodeFactory.instance.objectNode();
        m.put("type", "marking-definition");
        m.put("spec_version", "2.1");
        m.put("id", markingId);
        m.put("created", STANDARD_CREATED);
        if (this == AMBER_STRICT) {
            m.put("name", "TLP:AMBER+STRICT");
            m.put("definition_type", "statement");
            m.putObject("definition").put("statement", "custom");
            m.put("x_opencti_definition_type", "TLP");
            m.put("x_opencti_definition", "TLP:AMBER+STRICT");
        } else {
            m.put("name", "TLP:" + stixTlp.toUpperCase(Locale.ROOT));
            m.put("definition_type", "tlp");
            m.putObject("definition").put("tlp", stixTlp);
        }
        return m;
    }
}
