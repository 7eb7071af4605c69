package io.emailintel.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Merges the sources per key, in the documented priority: {@code config.yml}, then {@code .env}, then the
 * environment, then the default. A blank value counts as unset, so {@code FOO=} in a compose file falls
 * through to the next source. Every problem is collected before failing, so the operator fixes them in one go.
 */
public final class ConfigLoader {

    private ConfigLoader() {
    }

    /**
     * Loads and validates.
     *
     * @throws ConfigException listing every problem
     */
    public static Config load(ConfigSchema schema, ConfigInputs inputs) {
        Map<String, Config.Entry> entries = new LinkedHashMap<>();
        List<ConfigProblem> problems = new ArrayList<>();
        for (Setting<?> setting : schema.settings()) {
            entries.put(setting.key(), resolve(setting, inputs, problems));
        }
        Config config = validated(schema, entries, problems);
        return schema.sections() == null ? config : config.withSections(schema.sections().load(config, inputs));
    }

    /**
     * A value's text and where it came from, before its setting parses it.
     *
     * @param text   the text
     * @param source where it came from
     */
    public record Text(String text, ConfigSource source) {
    }

    /**
     * The configuration of the section {@code name} of {@code base}: {@code texts} (setting key → text) over the
     * base's values. A setting of {@code own} that the section does not set has its default (or none), never the
     * base's value; each group of {@code inherited} comes from the base as a whole unless the section sets one of its
     * settings (then the others have their defaults); every other setting is the base's alone, and a text for one of
     * those is a problem. The schema's rules run on the result.
     *
     * @param label how problems name the section, e.g. {@code source "soc"}
     * @throws ConfigException listing every problem, each starting with {@code label}
     */
    public static Config section(Config base, String name, String label, Map<String, Text> texts,
                                 Collection<Setting<?>> own, List<List<Setting<?>>> inherited) {
        List<ConfigProblem> problems = new ArrayList<>();
        Set<String> ownKeys = new HashSet<>();
        own.forEach(s -> ownKeys.add(s.key()));
        Map<String, List<Setting<?>>> groupOf = new HashMap<>();
        for (List<Setting<?>> group : inherited) {
            group.forEach(s -> groupOf.put(s.key(), group));
        }
        texts.forEach((key, t) -> {
            if (!ownKeys.contains(key) && !groupOf.containsKey(key)) {
                problems.add(new ConfigProblem(key, t.source(), "set for the whole process only: move it out of the "
                        + label));
            }
        });
        Map<String, Config.Entry> entries = new LinkedHashMap<>();
        for (Config.Entry e : base.entries()) {
            Setting<?> setting = e.setting();
            Text t = texts.get(setting.key());
            List<Setting<?>> group = groupOf.get(setting.key());
            if (t != null && (ownKeys.contains(setting.key()) || group != null)) {
                entries.put(setting.key(), parse(setting, t.text(), t.source(), problems));
            } else if (ownKeys.contains(setting.key())
                    || group != null && group.stream().anyMatch(g -> texts.containsKey(g.key()))) {
                if (setting.required()) {
                    problems.add(new ConfigProblem(setting.key(), ConfigSource.UNSET,
                            "required, expected " + setting.type().expected()));
                }
                entries.put(setting.key(), setting.defaultValue() == null ? new Config.Entry(setting, null, null,
                        ConfigSource.UNSET) : parse(setting, setting.defaultValue(), ConfigSource.DEFAULT, problems));
            } else {
                entries.put(setting.key(), e);
            }
        }
        if (problems.isEmpty()) {
            Config config = new Config(base.schema(), entries).asSection(name);
            for (ConfigRule rule : base.schema().rules()) {
                problems.addAll(rule.check(config));
            }
            if (problems.isEmpty()) {
                return config;
            }
        }
        throw new ConfigException(problems.stream().map(p -> new ConfigProblem(label + ": " + p.key(), p.source(),
                p.message())).toList());
    }

    static Config override(Config base, Map<String, String> overrides) {
        Map<String, Config.Entry> entries = new LinkedHashMap<>();
        List<ConfigProblem> problems = new ArrayList<>();
        ConfigSource source = new ConfigSource(ConfigSource.Kind.ENVIRONMENT, "override");
        for (Config.Entry e : base.entries()) {
            String text = overrides.get(e.setting().key());
            entries.put(e.setting().key(), text == null ? e : parse(e.setting(), text, source, problems));
        }
        for (String key : overrides.keySet()) {
            if (!entries.containsKey(key)) {
                problems.add(new ConfigProblem(key, source, "not a setting of " + base.schema().component()));
            }
        }
        return validated(base.schema(), entries, problems);
    }

    private static Config validated(ConfigSchema schema, Map<String, Config.Entry> entries,
                                    List<ConfigProblem> problems) {
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        Config config = new Config(schema, entries);
        for (ConfigRule rule : schema.rules()) {
            problems.addAll(rule.check(config));
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return config;
    }

    private static Config.Entry resolve(Setting<?> setting, ConfigInputs inputs, List<ConfigProblem> problems) {
        for (String key : setting.allKeys()) {
            String v = inputs.yaml().get(key);
            if (v != null && !v.isBlank()) {
                String where = (inputs.yamlFile() == null ? "config.yml" : inputs.yamlFile().toString())
                        + " (" + key + ")";
                return parse(setting, v, new ConfigSource(ConfigSource.Kind.YAML, where), problems);
            }
        }
        for (String key : setting.allKeys()) {
            String v = inputs.dotenv().get(Setting.envName(key));
            if (v != null && !v.isBlank()) {
                String where = (inputs.dotenvFile() == null ? ".env" : inputs.dotenvFile().toString())
                        + " (" + Setting.envName(key) + ")";
                return parse(setting, v, new ConfigSource(ConfigSource.Kind.DOTENV, where), problems);
            }
        }
        for (String key : setting.allKeys()) {
            String v = inputs.environment().get(Setting.envName(key));
            if (v != null && !v.isBlank()) {
                String where = "environment (" + Setting.envName(key) + ")";
                return parse(setting, v, new ConfigSource(ConfigSource.Kind.ENVIRONMENT, where), problems);
            }
        }
        if (setting.defaultValue() != null) {
            return parse(setting, setting.defaultValue(), ConfigSource.DEFAULT, problems);
        }
        if (setting.required()) {
            problems.add(new ConfigProblem(setting.key(), ConfigSource.UNSET,
                    "required, expected " + setting.type().expected()));
        }
        return new Config.Entry(setting, null, null, ConfigSource.UNSET);
    }

    private static Config.Entry parse(Setting<?> setting, String text, ConfigSource source,
                                      List<ConfigProblem> problems) {
        try {
            return new Config.Entry(setting, setting.parse(text), text.strip(), source);
        } catch (IllegalArgumentException e) {
            String shown = setting.secret() ? "" : ", got '" + abbreviate(setting.display(text.strip())) + "'";
            problems.add(new ConfigProblem(setting.key(), source, e.getMessage() + shown));
            return new Config.Entry(setting, null, text, source);
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }
}
