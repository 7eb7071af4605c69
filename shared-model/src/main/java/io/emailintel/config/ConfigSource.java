package io.emailintel.config;

/**
 * Where a value came from, named the way an operator would look for it.
 *
 * @param kind  which source
 * @param where the file or variable, e.g. {@code config.yml (opencti.url)} or {@code environment (OPENCTI_URL)}
 */
public record ConfigSource(Kind kind, String where) {

    /** The sources in priority order: the first that has a value wins. */
    public enum Kind {
        YAML, DOTENV, ENVIRONMENT, DEFAULT, UNSET
    }

    public static final ConfigSource DEFAULT = new ConfigSource(Kind.DEFAULT, "default");
    public static final ConfigSource UNSET = new ConfigSource(Kind.UNSET, "not set");

    @Override
    public String toString() {
        return where;
    }
}
