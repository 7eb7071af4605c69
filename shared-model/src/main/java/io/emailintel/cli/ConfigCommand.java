package io.emailintel.cli;

import io.emailintel.config.Config;
import io.emailintel.config.ConfigReport;
import io.emailintel.config.ConfigSamples;
import io.emailintel.config.ConfigSchema;
import io.emailintel.config.SettingsTable;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code config show} and {@code config table}: the effective configuration, and its documentation. */
@Command(name = "config", description = "Show the effective configuration or the settings table.",
        mixinStandardHelpOptions = true,
        subcommands = {ConfigCommand.Show.class, ConfigCommand.Table.class, ConfigCommand.Sample.class})
public final class ConfigCommand implements Runnable {

    private final ConfigSchema schema;

    @Spec
    CommandSpec spec;

    public ConfigCommand(ConfigSchema schema) {
        this.schema = schema;
    }

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing subcommand: show, table or sample");
    }

    /** Prints every setting's effective value and source; secrets as ****. Exits 2 when invalid. */
    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "Print every setting's effective value and where it came from (secrets as ****).")
    static final class Show implements Callable<Integer> {
        @picocli.CommandLine.ParentCommand
        ConfigCommand parent;

        @Mixin
        ConfigOptions options;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            Config config = options.load(parent.schema);
            spec.commandLine().getOut().print(ConfigReport.render(config));
            spec.commandLine().getOut().flush();
            return ExitCodes.OK;
        }
    }

    /** Prints the settings as the README's Markdown table. */
    @Command(name = "table", mixinStandardHelpOptions = true,
            description = "Print the settings of this process as a Markdown table.")
    static final class Table implements Callable<Integer> {
        @picocli.CommandLine.ParentCommand
        ConfigCommand parent;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            spec.commandLine().getOut().print(SettingsTable.markdown(parent.schema.settings()));
            spec.commandLine().getOut().flush();
            return ExitCodes.OK;
        }
    }

    /** Prints a documented sample .env or config.yml with every setting of this process. */
    @Command(name = "sample", mixinStandardHelpOptions = true,
            description = "Print a documented sample configuration with every setting and its default.")
    static final class Sample implements Callable<Integer> {
        @picocli.CommandLine.ParentCommand
        ConfigCommand parent;

        @picocli.CommandLine.Option(names = "--format", defaultValue = "env",
                description = "env (a .env file) or yaml (a config.yml); default: ${DEFAULT-VALUE}")
        String format;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            String text = switch (format) {
                case "env" -> ConfigSamples.dotenv(parent.schema.settings());
                case "yaml", "yml" -> ConfigSamples.yaml(parent.schema.settings());
                default -> throw new ParameterException(spec.commandLine(), "--format must be env or yaml");
            };
            spec.commandLine().getOut().print(text);
            spec.commandLine().getOut().flush();
            return ExitCodes.OK;
        }
    }
}
