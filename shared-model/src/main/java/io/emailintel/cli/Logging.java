package io.emailintel.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import io.emailintel.config.CommonSettings;
import io.emailintel.config.Config;
import java.util.Locale;
import org.slf4j.LoggerFactory;

/**
 * Applies {@code connector.log_level} and {@code connector.log_format} to logback: one console appender on
 * standard error (standard output is for command results such as tables and JSON).
 */
public final class Logging {

    private Logging() {
    }

    public static void configure(Config config) {
        configure(config.get(CommonSettings.LOG_LEVEL), config.get(CommonSettings.LOG_FORMAT));
    }

    public static void configure(String level, String format) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.detachAndStopAllAppenders();
        Encoder<ILoggingEvent> encoder;
        if ("json".equals(format)) {
            JsonEncoder json = new JsonEncoder();
            json.setWithSequenceNumber(false);
            json.setWithNanoseconds(false);
            json.setWithContext(false);
            json.setWithArguments(false);
            json.setWithFormattedMessage(true);
            json.setWithMessage(false);
            encoder = json;
        } else {
            PatternLayoutEncoder pattern = new PatternLayoutEncoder();
            pattern.setPattern("%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX,UTC} %-5level [%thread] %logger{20} - %msg%n");
            encoder = pattern;
        }
        encoder.setContext(context);
        encoder.start();
        ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
        appender.setContext(context);
        appender.setName("console");
        appender.setTarget("System.err");
        appender.setEncoder(encoder);
        appender.start();
        root.addAppender(appender);
        root.setLevel(toLevel(level));
        // Third-party chatter stays at warn unless we debug.
        Level libraries = root.getLevel().isGreaterOrEqual(Level.INFO) ? Level.WARN : Level.DEBUG;
        for (String name : new String[] {"com.azure", "com.microsoft", "okhttp3", "com.rabbitmq", "io.netty"}) {
            context.getLogger(name).setLevel(root.getLevel().isGreaterOrEqual(Level.WARN) ? null : libraries);
        }
    }

    static Level toLevel(String level) {
        return switch (level.toLowerCase(Locale.ROOT)) {
            case "debug" -> Level.DEBUG;
            case "info" -> Level.INFO;
            case "warn", "warning" -> Level.WARN;
            default -> Level.ERROR;
        };
    }
}
