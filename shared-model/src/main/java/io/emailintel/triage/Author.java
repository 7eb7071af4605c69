package io.emailintel.triage;

import java.util.List;

/**
 * The organisation a rule names as the author of its reports.
 *
 * @param name        the organisation's name (its Identity id is derived from it, as pycti does)
 * @param description a description of the organisation, or empty
 * @param sectors     STIX {@code industry-sector-ov} values (e.g. {@code financial-services}), possibly empty
 */
public record Author(String name, String description, List<String> sectors) {

    public Author {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("author name must not be blank");
        }
        name = name.strip();
        description = description == null ? "" : description.strip();
        sectors = sectors == null ? List.of() : List.copyOf(sectors);
    }
}
