package io.emailintel.triage;

import io.emailintel.config.Config;
import io.emailintel.config.ConfigException;
import io.emailintel.config.ConfigProblem;
import io.emailintel.config.ConfigRule;
import io.emailintel.config.ConfigSource;
import io.emailintel.config.Setting;
import io.emailintel.config.ValueType;
import io.emailintel.config.ValueTypes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Where the triage rules come from, declared once for both processes: the fetcher applies the skip rules it can
 * decide from the mailbox listing, the ingester everything else. Rules are validated at start-up like every
 * setting: each problem names the key, the source and what was expected.
 */
public final class TriageSettings {

    private TriageSettings() {
    }

    /** YAML text of a rules list; in {@code config.yml} simply a {@code rules:} list under the section. */
    private static final ValueType<String> YAML_LIST = new ValueType<>("YAML list",
            "a YAML list of rules (name, match, actions)", s -> s);

    public static final Setting<String> RULES = Setting.builder("email_intel_microsoft.rules", YAML_LIST)
            .redactWith(TriageSettings::summary)
            .description("Triage rules (author, TLP, labels, report types, skip), as a rules: list in config.yml "
                    + "(see Triage rules). Not together with EMAIL_INTEL_MICROSOFT_RULES_FILE.")
            .build();

    public static final Setting<Path> RULES_FILE = Setting.builder("email_intel_microsoft.rules_file",
                    ValueTypes.PATH)
            .redactWith(path -> {
                try {
                    return path + " (" + summary(Files.readString(Path.of(path), StandardCharsets.UTF_8)) + ")";
                } catch (IOException | RuntimeException e) {
                    return path;
                }
            })
            .description("A YAML file holding the triage rules (a list, or rules: followed by a list), instead of "
                    + "a rules: list in config.yml.")
            .build();

    /** Both settings, for a process's table. */
    public static final List<Setting<?>> ALL = List.of(RULES, RULES_FILE);

    /** The rules parse and validate; every problem is reported at once. */
    public static final ConfigRule RULES_VALID = config -> {
        try {
            rules(config);
            return List.of();
        } catch (ConfigException e) {
            return e.problems();
        }
    };

    /**
     * The configured rules, or none.
     *
     * @throws ConfigException naming the setting, where its value came from and each problem of each rule
     */
    public static Rules rules(Config config) {
        String inline = config.get(RULES);
        Path file = config.get(RULES_FILE);
        if (inline != null && file != null) {
            throw new ConfigException(RULES.key(), config.sourceOf(RULES), "expected the rules in one place: "
                    + "EMAIL_INTEL_MICROSOFT_RULES_FILE (" + config.sourceOf(RULES_FILE) + ") is set too");
        }
        if (file != null) {
            ConfigSource source = config.sourceOf(RULES_FILE);
            String text;
            try {
                text = Files.readString(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new ConfigException(RULES_FILE.key(), source, "expected a readable YAML file, cannot read "
                        + file.toAbsolutePath() + ": " + e.getMessage());
            }
            return parse(RULES_FILE, source, text, file.toString());
        }
        if (inline != null) {
            return parse(RULES, config.sourceOf(RULES), inline, "");
        }
        return Rules.none();
    }

    /** Rules from YAML text; problems are reported against {@code setting} and {@code source}. */
    static Rules parse(Setting<?> setting, ConfigSource source, String yaml, String file) {
        Object tree;
        try {
            tree = new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml);
        } catch (YAMLException e) {
            throw new ConfigException(setting.key(), source, "expected YAML" + (file.isEmpty() ? "" : " in " + file)
                    + ": " + e.getMessage().replace('\n', ' '));
        }
        try {
            return RulesParser.parse(tree);
        } catch (RulesException e) {
            List<ConfigProblem> problems = new ArrayList<>();
            for (String p : e.problems()) {
                problems.add(new ConfigProblem(setting.key(), source, p));
            }
            throw new ConfigException(problems);
        }
    }

    /** How {@code config show} prints inline rules: their count and names, not the YAML. */
    private static String summary(String yaml) {
        try {
            Rules rules = RulesParser.parse(new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml));
            return rules.rules().size() + " rule(s): " + String.join(", ", rules.names());
        } catch (RuntimeException | RulesException e) {
            return "(invalid rules)";
        }
    }
}
