package io.emailintel.config;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What one process reads: its settings (shared ones plus its own) and its cross-setting rules. Each process
 * validates only what it uses, so the fetcher starts without an OpenCTI token and the ingester without a
 * Graph secret.
 *
 * @param component the process name, e.g. {@code fetcher}
 * @param settings  the settings, in documentation order
 * @param rules     cross-setting checks
 * @param sections  named sections with their own values of some settings, or null when there are none
 */
public record ConfigSchema(String component, List<Setting<?>> settings, List<ConfigRule> rules,
                           ConfigSections sections) {

    public ConfigSchema {
        settings = List.copyOf(settings);
        rules = List.copyOf(rules);
        Set<String> seen = new HashSet<>();
        for (Setting<?> s : settings) {
            for (String key : s.allKeys()) {
                if (!seen.add(key)) {
                    throw new IllegalArgumentException("setting key " + key + " is declared twice in " + component);
                }
            }
        }
    }

    /** A schema without sections. */
    public ConfigSchema(String component, List<Setting<?>> settings, List<ConfigRule> rules) {
        this(component, settings, rules, null);
    }

    /** This schema with named sections. */
    public ConfigSchema withSections(ConfigSections named) {
        return new ConfigSchema(component, settings, rules, named);
    }

    /** This schema plus more settings and rules. */
    public ConfigSchema with(List<Setting<?>> more, List<ConfigRule> moreRules) {
        List<Setting<?>> s = new ArrayList<>(settings);
        s.addAll(more);
        List<ConfigRule> r = new ArrayList<>(rules);
        r.addAll(moreRules);
        return new ConfigSchema(component, s, r, sections);
    }
}
