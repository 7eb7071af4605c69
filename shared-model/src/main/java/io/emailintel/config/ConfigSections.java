package io.emailintel.config;

import java.util.Map;

/**
 * Named sections of a configuration that each hold their own values of some settings over the top-level ones (the
 * fetcher's {@code fetcher.sources}): declared by a process's schema ({@link ConfigSchema#withSections}), loaded with
 * it, validated with it (every problem of every section at once) and shown by {@code config show}.
 */
public interface ConfigSections {

    /** What one section is called in messages and in {@code config show}, e.g. {@code source}. */
    String noun();

    /** The environment variable that sets {@code setting} in the section {@code name}. */
    String envName(String name, Setting<?> setting);

    /**
     * The sections of a validated top-level configuration, by name in order; none when it lists none. Each is built
     * with {@link ConfigLoader#section}.
     *
     * @throws ConfigException listing every problem of every section
     */
    Map<String, Config> load(Config base, ConfigInputs inputs);
}
