package io.emailintel.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * The raw text of every source, before any setting looks at it: {@code config.yml} flattened to dotted keys,
 * {@code .env} as variable names, and the process environment.
 *
 * @param yaml        dotted key → text, from the YAML file
 * @param yamlFile    the YAML file read, or null
 * @param dotenv      variable → text, from the .env file
 * @param dotenvFile  the .env file read, or null
 * @param environment the process environment
 */
public record ConfigInputs(Map<String, String> yaml, Path yamlFile, Map<String, String> dotenv, Path dotenvFile,
                           Map<String, String> environment) {

    public ConfigInputs {
        yaml = Map.copyOf(yaml);
        dotenv = Map.copyOf(dotenv);
        environment = Map.copyOf(environment);
    }

    /** Only the given environment; no files. */
    public static ConfigInputs ofEnvironment(Map<String, String> environment) {
        return new ConfigInputs(Map.of(), null, Map.of(), null, environment);
    }

    /**
     * Reads the files that exist. A file named explicitly must exist; the defaults ({@code config.yml} and
     * {@code .env} in the working directory) are read when present.
     *
     * @param yamlFile    the YAML file, or null for {@code ./config.yml} if present
     * @param dotenvFile  the .env file, or null for {@code ./.env} if present
     * @param environment the process environment
     * @throws ConfigException when a named file is missing or a file cannot be parsed
     */
    public static ConfigInputs read(Path yamlFile, Path dotenvFile, Map<String, String> environment) {
        Path yml = resolve(yamlFile, Path.of("config.yml"), "config file");
        Path env = resolve(dotenvFile, Path.of(".env"), ".env file");
        Map<String, String> yaml = yml == null ? Map.of() : readYaml(yml);
        Map<String, String> dot = env == null ? Map.of() : readDotenv(env);
        return new ConfigInputs(yaml, yml, dot, env, environment);
    }

    private static Path resolve(Path explicit, Path fallback, String what) {
        if (explicit != null) {
            if (!Files.isRegularFile(explicit)) {
                throw new ConfigException(what, new ConfigSource(ConfigSource.Kind.UNSET, explicit.toString()),
                        "file not found: " + explicit.toAbsolutePath());
            }
            return explicit;
        }
        return Files.isRegularFile(fallback) ? fallback : null;
    }

    static Map<String, String> readYaml(Path file) {
        ConfigSource source = new ConfigSource(ConfigSource.Kind.YAML, file.toString());
        Object root;
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            root = new Yaml(new SafeConstructor(new LoaderOptions())).load(reader);
        } catch (IOException e) {
            throw new ConfigException("config file", source, "cannot read: " + e.getMessage());
        } catch (YAMLException e) {
            throw new ConfigException("config file", source, "not valid YAML: " + e.getMessage());
        }
        Map<String, String> flat = new LinkedHashMap<>();
        if (root == null) {
            return flat;
        }
        if (!(root instanceof Map<?, ?> map)) {
            throw new ConfigException("config file", source, "expected a mapping of sections at the top level");
        }
        flatten("", map, flat);
        return flat;
    }

    /** A YAML mapping (as SnakeYAML loads it) as dotted key → text, the way {@code config.yml} is read. */
    public static Map<String, String> flatten(Map<?, ?> tree) {
        Map<String, String> flat = new LinkedHashMap<>();
        flatten("", tree, flat);
        return flat;
    }

    private static void flatten(String prefix, Map<?, ?> map, Map<String, String> out) {
        for (Map.Entry<?, ?> e : map.entrySet()) {
            String key = prefix + e.getKey();
            Object v = e.getValue();
            if (v instanceof Map<?, ?> nested) {
                flatten(key + ".", nested, out);
            } else if (v != null) {
                out.put(key, text(v));
            }
        }
    }

    private static String text(Object v) {
        if (v instanceof Collection<?> list && list.stream().anyMatch(i -> i instanceof Map || i instanceof Collection)) {
            // a structured list (the triage rules) stays YAML, in flow style on one line, for its setting to parse
            DumperOptions flow = new DumperOptions();
            flow.setDefaultFlowStyle(DumperOptions.FlowStyle.FLOW);
            flow.setSplitLines(false);
            flow.setWidth(Integer.MAX_VALUE);
            return new Yaml(flow).dump(list).strip();
        }
        if (v instanceof Collection<?> list) {
            return list.stream().map(ConfigInputs::text).collect(Collectors.joining(","));
        }
        if (v instanceof Date date) {
            return date.toInstant().atOffset(ZoneOffset.UTC).toString();
        }
        return String.valueOf(v);
    }

    /** {@code KEY=value} lines; {@code #} comments, blank lines, {@code export } prefixes and quotes allowed. */
    static Map<String, String> readDotenv(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException(".env file", new ConfigSource(ConfigSource.Kind.DOTENV, file.toString()),
                    "cannot read: " + e.getMessage());
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (String raw : lines) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("export ")) {
                line = line.substring(7).strip();
            }
            int eq = line.indexOf('=');
            if (eq <= 0) {
                continue;
            }
            String name = line.substring(0, eq).strip();
            String value = line.substring(eq + 1).strip();
            if (value.length() >= 2 && (value.startsWith("\"") && value.endsWith("\"")
                    || value.startsWith("'") && value.endsWith("'"))) {
                value = value.substring(1, value.length() - 1);
            } else {
                int comment = value.indexOf(" #");
                if (comment >= 0) {
                    value = value.substring(0, comment).strip();
                }
            }
            out.put(name, value);
        }
        return out;
    }
}
