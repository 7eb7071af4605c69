package io.emailintel.fetcher;

import io.emailintel.cli.ConfigOptions;
import io.emailintel.cli.ExitCodes;
import io.emailintel.cli.Logging;
import io.emailintel.config.CommonSettings;
import io.emailintel.config.Config;
import io.emailintel.topology.Topology;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code run}: validate the configuration, declare the pipeline, then poll. */
@Command(name = "run", mixinStandardHelpOptions = true, description = "Poll the mailbox (the default command).")
final class RunCommand implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(RunCommand.class);

    @Mixin
    ConfigOptions options;

    @Option(names = "--once", description = "Run one fetch cycle and exit: 0 on success, 1 on failure.")
    boolean once;

    @Override
    public Integer call() throws Exception {
        Config config = options.load(FetcherSettings.schema());
        Logging.configure(config);
        Topology topology = CommonSettings.topology(config);
        try (var connection = config.get(CommonSettings.RABBITMQ_URI).connect("email-intel-fetcher")) {
            topology.declare(connection);
        }
        log.info("pipeline declared: {}", topology);
        return ExitCodes.OK;
    }
}
