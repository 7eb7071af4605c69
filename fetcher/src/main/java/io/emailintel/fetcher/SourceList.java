package io.emailintel.fetcher;

import io.emailintel.config.Config;
import io.emailintel.config.ConfigException;
import io.emailintel.config.ConfigInputs;
import io.emailintel.config.ConfigLoader;
import io.emailintel.config.ConfigProblem;
import io.emailintel.config.ConfigSections;
import io.emailintel.config.ConfigSource;
import io.emailintel.config.Setting;
import io.emailintel.config.ValueType;
import io.emailintel.model.EnvelopeSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * The {@code fetcher.sources} list: each entry a name, a type and that type's settings under their usual keys, made
 * into one configuration per source over the top-level one ({@link FetcherSettings#PER_SOURCE} are the source's own,
 * {@link FetcherSettings#INHERITED} fall back to the top level). A setting of source {@code soc} can also come from
 * {@code .env} or the environment as {@code FETCHER_SOURCES_SOC_<its usual variable>}, e.g.
 * {@code FETCHER_SOURCES_SOC_EMAIL_INTEL_MICROSOFT_CLIENT_SECRET}: secrets need not sit in config.yml. Every problem
 * names the source and the key.
 */
final class SourceList implements ConfigSections {

    /** YAML text of the list; in {@code config.yml} simply a {@code sources:} list under {@code fetcher:}. */
    static final ValueType<String> YAML_LIST = new ValueType<>("YAML list",
            "a YAML list of sources (name, type and their settings)", s -> s);

    /** Usable in a file name, a metric label and (upper-cased, {@code -} as {@code _}) an environment variable. */
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,31}");
    private static final String ENV_PREFIX = "FETCHER_SOURCES_";

    @Override
    public String noun() {
        return "source";
    }

    @Override
    public String envName(String name, Setting<?> setting) {
        return ENV_PREFIX + name.toUpperCase(Locale.ROOT).replace('-', '_') + "_" + setting.env();
    }

    @Override
    public Map<String, Config> load(Config base, ConfigInputs inputs) {
        String text = base.get(FetcherSettings.SOURCES);
        if (text == null) {
            return Map.of();
        }
        ConfigSource listSource = base.sourceOf(FetcherSettings.SOURCES);
        List<?> entries = entries(text, listSource);
        List<ConfigProblem> problems = new ArrayList<>();
        Map<String, Config> sources = new LinkedHashMap<>();
        Map<String, String> envNames = new HashMap<>();
        for (int i = 0; i < entries.size(); i++) {
            Entry entry = new Entry(i + 1, entries.get(i), listSource, inputs, problems);
            if (entry.name == null) {
                continue;
            }
            if (sources.containsKey(entry.name)) {
                problems.add(entry.problem("name", "expected a name no other source has, got '" + entry.name + "'"));
                continue;
            }
            for (Setting<?> s : base.schema().settings()) {
                String env = envName(entry.name, s);
                String other = envNames.putIfAbsent(env, entry.name + " " + s.key());
                if (other != null) {
                    problems.add(entry.problem("name", "its variables clash with source " + other + " (" + env
                            + "): choose another name"));
                }
            }
            Map<String, ConfigLoader.Text> texts = entry.texts(base, this);
            if (texts == null) {
                sources.put(entry.name, base); // counted only as taken: its problems are reported already
                continue;
            }
            try {
                sources.put(entry.name, ConfigLoader.section(base, entry.name, "source \"" + entry.name + "\"", texts,
                        FetcherSettings.PER_SOURCE, FetcherSettings.INHERITED));
            } catch (ConfigException e) {
                problems.addAll(e.problems());
                sources.put(entry.name, base);
            }
        }
        if (sources.isEmpty() && problems.isEmpty()) {
            problems.add(new ConfigProblem(FetcherSettings.SOURCES.key(), listSource,
                    "expected at least one source; remove the list to run the one FETCHER_SOURCE chooses"));
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return sources;
    }

    private static List<?> entries(String text, ConfigSource source) {
        Object tree;
        try {
            tree = new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
        } catch (YAMLException e) {
            throw new ConfigException(FetcherSettings.SOURCES.key(), source, "expected YAML: "
                    + e.getMessage().replace('\n', ' '));
        }
        if (!(tree instanceof List<?> list)) {
            throw new ConfigException(FetcherSettings.SOURCES.key(), source,
                    "expected a list of sources, each a mapping with name, type and its settings");
        }
        return list;
    }

    /** One entry of the list, checked: its name and type, and its settings as texts with where they came from. */
    private static final class Entry {
        private final int index;
        private final ConfigSource listSource;
        private final ConfigInputs inputs;
        private final List<ConfigProblem> problems;
        private final Map<?, ?> map;
        private String name;
        private String type;

        Entry(int index, Object item, ConfigSource listSource, ConfigInputs inputs, List<ConfigProblem> problems) {
            this.index = index;
            this.listSource = listSource;
            this.inputs = inputs;
            this.problems = problems;
            this.map = item instanceof Map<?, ?> m ? m : null;
            if (map == null) {
                problems.add(problem("", "expected a mapping with name, type and its settings"));
                return;
            }
            Object n = map.get("name");
            if (!(n instanceof String s) || !NAME.matcher(s).matches()) {
                problems.add(problem("name", "expected 1 to 32 of a-z, 0-9 and - (starting with a letter or digit: it "
                        + "names the cursor file, the metric label and the variables), got '" + n + "'"));
            } else if (s.equals(EnvelopeSource.DEFAULT_NAME)) {
                problems.add(problem("name", "'" + s + "' names the one source of a configuration without a list; "
                        + "choose another name"));
            } else {
                name = s;
            }
            Object t = map.get("type");
            try {
                type = FetcherSettings.SOURCE.parse(t == null ? "" : String.valueOf(t).strip());
            } catch (IllegalArgumentException e) {
                problems.add(problem("type", "expected one of graph, imap, eml-dir, got '" + (t == null ? "" : t) + "'"));
                name = null;
            }
        }

        /** The entry's settings (its own, then FETCHER_SOURCES_<NAME>_… from .env or the environment); null if bad. */
        Map<String, ConfigLoader.Text> texts(Config base, SourceList list) {
            Map<String, Setting<?>> byKey = new HashMap<>();
            for (Setting<?> s : base.schema().settings()) {
                s.allKeys().forEach(k -> byKey.put(k, s));
            }
            Map<?, ?> settings = new LinkedHashMap<>(map);
            settings.remove("name");
            settings.remove("type");
            Map<String, ConfigLoader.Text> texts = new LinkedHashMap<>();
            texts.put(FetcherSettings.SOURCE.key(), new ConfigLoader.Text(type, where("type")));
            boolean ok = true;
            for (Map.Entry<String, String> e : ConfigInputs.flatten(settings).entrySet()) {
                Setting<?> s = byKey.get(e.getKey());
                if (s == null || s == FetcherSettings.SOURCE || s == FetcherSettings.SOURCES) {
                    problems.add(problem(e.getKey(), s == null
                            ? "unknown key, expected a setting's YAML key such as email_intel_microsoft.email, "
                                    + "imap.host or fetcher.eml_dir"
                            : "the entry's type says which source it is"));
                    ok = false;
                } else if (!e.getValue().isBlank()) {
                    texts.put(s.key(), new ConfigLoader.Text(e.getValue(), where(e.getKey())));
                }
            }
            for (Setting<?> s : base.schema().settings()) {
                String env = list.envName(name, s);
                if (!texts.containsKey(s.key())) {
                    text(inputs.dotenv(), env, ConfigSource.Kind.DOTENV,
                            (inputs.dotenvFile() == null ? ".env" : inputs.dotenvFile().toString()) + " (" + env + ")")
                            .or(() -> text(inputs.environment(), env, ConfigSource.Kind.ENVIRONMENT,
                                    "environment (" + env + ")"))
                            .ifPresent(t -> texts.put(s.key(), t));
                }
            }
            return ok ? texts : null;
        }

        private static java.util.Optional<ConfigLoader.Text> text(Map<String, String> vars, String env,
                                                                  ConfigSource.Kind kind, String where) {
            String v = vars.get(env);
            return v == null || v.isBlank() ? java.util.Optional.empty()
                    : java.util.Optional.of(new ConfigLoader.Text(v, new ConfigSource(kind, where)));
        }

        /** Where a key of this entry came from: {@code config.yml (fetcher.sources[2] drop: fetcher.eml_dir)}. */
        private ConfigSource where(String key) {
            String at = "[" + index + "]" + (name == null ? "" : " " + name) + (key.isEmpty() ? "" : ": " + key);
            String where = listSource.kind() == ConfigSource.Kind.YAML
                    ? (inputs.yamlFile() == null ? "config.yml" : inputs.yamlFile().toString()) + " ("
                            + FetcherSettings.SOURCES.key() + at + ")"
                    : listSource.where().replace(")", at + ")");
            return new ConfigSource(listSource.kind(), where);
        }

        ConfigProblem problem(String key, String message) {
            String label = "source " + (name == null ? "#" + index : "\"" + name + "\"");
            return new ConfigProblem(label + (key.isEmpty() ? "" : ": " + key), where(key), message);
        }
    }

    /** How {@code config show} prints the list: each source's name and type, not the YAML (it may hold secrets). */
    static String summary(String yaml) {
        try {
            Object tree = new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml);
            if (!(tree instanceof List<?> list)) {
                return "(invalid list)";
            }
            List<String> names = new ArrayList<>();
            for (Object item : list) {
                names.add(item instanceof Map<?, ?> m ? m.get("name") + " (" + m.get("type") + ")" : "?");
            }
            return list.size() + " source(s): " + String.join(", ", names);
        } catch (RuntimeException e) {
            return "(invalid list)";
        }
    }
}
