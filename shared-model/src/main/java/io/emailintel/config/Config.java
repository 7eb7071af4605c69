package io.emailintel.config;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The effective configuration of one process: every setting of its {@link ConfigSchema} with its parsed
 * value and the source it came from. Immutable. {@link #toString()} hides secrets.
 */
public final class Config {

    /**
     * One setting's outcome.
     *
     * @param setting the declaration
     * @param value   the parsed value, or null when unset and without a default
     * @param text    the text it was parsed from, or null
     * @param source  where the text came from
     */
    public record Entry(Setting<?> setting, Object value, String text, ConfigSource source) {

        /** The value for display: secrets as {@code ****}. */
        public String displayValue() {
            return setting.display(text);
        }
    }

    private final ConfigSchema schema;
    private final Map<String, Entry> entries;
    private final String sectionName;
    private final Map<String, Config> sections;

    Config(ConfigSchema schema, Map<String, Entry> entries) {
        this(schema, entries, null, Map.of());
    }

    private Config(ConfigSchema schema, Map<String, Entry> entries, String sectionName, Map<String, Config> sections) {
        this.schema = schema;
        this.entries = new LinkedHashMap<>(entries);
        this.sectionName = sectionName;
        this.sections = Collections.unmodifiableMap(new LinkedHashMap<>(sections));
    }

    /** The same configuration as the section {@code name} of another one. */
    Config asSection(String name) {
        return new Config(schema, entries, name, Map.of());
    }

    /** The same configuration with its sections. */
    Config withSections(Map<String, Config> named) {
        return new Config(schema, entries, sectionName, named);
    }

    /** The section's name when this is one of a configuration's {@link #sections()}, else empty. */
    public Optional<String> sectionName() {
        return Optional.ofNullable(sectionName);
    }

    /** The named sections ({@link ConfigSchema#sections()}), in order; empty when the configuration lists none. */
    public Map<String, Config> sections() {
        return sections;
    }

    public ConfigSchema schema() {
        return schema;
    }

    /**
     * The value of a setting, its default, or null if it has neither.
     *
     * @throws IllegalArgumentException when the setting is not part of this process's schema (a bug)
     */
    @SuppressWarnings("unchecked")
    public <T> T get(Setting<T> setting) {
        return (T) entry(setting).value();
    }

    public <T> Optional<T> optional(Setting<T> setting) {
        return Optional.ofNullable(get(setting));
    }

    public ConfigSource sourceOf(Setting<?> setting) {
        return entry(setting).source();
    }

    public Entry entry(Setting<?> setting) {
        Entry e = entries.get(setting.key());
        if (e == null) {
            throw new IllegalArgumentException(setting.key() + " is not a setting of " + schema.component());
        }
        return e;
    }

    public Collection<Entry> entries() {
        return entries.values();
    }

    /** A copy with some values replaced (tests, or a command-line override); values are re-validated. */
    public Config with(Map<String, String> overrides) {
        Config changed = ConfigLoader.override(this, overrides);
        return sectionName == null ? changed.withSections(sections) : changed.asSection(sectionName);
    }

    @Override
    public String toString() {
        StringBuilder out = new StringBuilder(schema.component()).append(" config {");
        for (Entry e : entries.values()) {
            out.append(' ').append(e.setting().key()).append('=').append(e.displayValue()).append(';');
        }
        return out.append(" }").toString();
    }
}
