package io.emailintel.cli;

import io.emailintel.config.Config;
import io.emailintel.config.ConfigInputs;
import io.emailintel.config.ConfigLoader;
import io.emailintel.config.ConfigSchema;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;

/** The options every command that reads configuration shares: where the files are. */
public final class ConfigOptions {

    @Option(names = "--config", paramLabel = "FILE",
            description = "YAML configuration file (default: ./config.yml when present).")
    Path configFile;

    @Option(names = "--env-file", paramLabel = "FILE",
            description = "Dotenv file (default: ./.env when present).")
    Path envFile;

    /** Loads the configuration from the files and the process environment. */
    public Config load(ConfigSchema schema) {
        return load(schema, System.getenv());
    }

    public Config load(ConfigSchema schema, Map<String, String> environment) {
        return ConfigLoader.load(schema, ConfigInputs.read(configFile, envFile, environment));
    }
}
