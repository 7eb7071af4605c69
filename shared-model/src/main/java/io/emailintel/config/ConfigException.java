package io.emailintel.config;

import java.util.List;

/** The configuration cannot be used; {@link #problems()} lists every reason at once. */
public class ConfigException extends RuntimeException {

    private final List<ConfigProblem> problems;

    public ConfigException(List<ConfigProblem> problems) {
        super(format(problems));
        this.problems = List.copyOf(problems);
    }

    public ConfigException(String key, ConfigSource source, String message) {
        this(List.of(new ConfigProblem(key, source, message)));
    }

    public List<ConfigProblem> problems() {
        return problems;
    }

    private static String format(List<ConfigProblem> problems) {
        StringBuilder out = new StringBuilder("invalid configuration (" + problems.size()
                + (problems.size() == 1 ? " problem" : " problems") + "):");
        for (ConfigProblem p : problems) {
            out.append(System.lineSeparator()).append("  - ").append(p);
        }
        return out.toString();
    }
}
