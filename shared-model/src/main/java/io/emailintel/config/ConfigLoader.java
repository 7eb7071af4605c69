package io.emailintel.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
        return validated(schema, entries, problems);
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
