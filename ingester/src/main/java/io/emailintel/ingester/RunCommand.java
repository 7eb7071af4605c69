package io.emailintel.ingester;

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

/** {@code run}: validate the configuration, declare the pipeline, then consume. */
@Command(name = "run", mixinStandardHelpOptions = true, description = "Consume envelopes and send reports to OpenCTI (the default command).")
final class RunCommand implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(RunCommand.class);

    @Mixin
    ConfigOptions options;


    @Override
    public Integer call() throws Exception {
        Config config = options.load(IngesterSettings.schema());
        Logging.configure(config);
        Topology topology = CommonSettings.topology(config);
        try (var connection = config.get(CommonSettings.RABBITMQ_URI).connect("email-intel-ingester")) {
            topology.declare(connection);
        }
        log.info("pipeline declared: {}", topology);
        return ExitCodes.OK;
    }
}
