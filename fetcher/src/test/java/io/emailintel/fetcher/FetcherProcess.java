package io.emailintel.fetcher;

import io.emailintel.fetcher.fake.FakeGraph;
import io.emailintel.testing.JavaProcess;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The fetcher as its own JVM for the security tests: an environment holding the fetcher's settings and
 * nothing else, against a {@link FakeGraph} (whose https token endpoint the JVM trust store knows).
 */
final class FetcherProcess {

    private FetcherProcess() {
    }

    /** Everything a Graph fetcher needs, and nothing more: no OpenCTI setting at all. */
    static Map<String, String> environment(FakeGraph graph, String brokerUri, String prefix, Path stateDir) {
        Map<String, String> env = new HashMap<>();
        env.put("CONNECTOR_LOG_LEVEL", "info");
        env.put("PIPELINE_RABBITMQ_URI", brokerUri);
        env.put("PIPELINE_QUEUE_PREFIX", prefix);
        env.put("EMAIL_INTEL_MICROSOFT_TENANT_ID", FakeGraph.TENANT);
        env.put("EMAIL_INTEL_MICROSOFT_CLIENT_ID", "00000000-0000-0000-0000-000000000001");
        env.put("EMAIL_INTEL_MICROSOFT_CLIENT_SECRET", FakeGraph.CLIENT_SECRET);
        env.put("EMAIL_INTEL_MICROSOFT_EMAIL", GraphFixture.MAILBOX);
        env.put("EMAIL_INTEL_MICROSOFT_INBOX", "Inbox");
        env.put("EMAIL_INTEL_MICROSOFT_GRAPH_BASE_URL", graph.baseUrl());
        env.put("EMAIL_INTEL_MICROSOFT_AUTHORITY_HOST", graph.authorityHost());
        env.put("FETCHER_STATE_DIR", stateDir.toString());
        return env;
    }

    static JavaProcess start(Path workDir, Map<String, String> env, String... args) throws Exception {
        return JavaProcess.start(workDir, env, List.of(
                "-Djavax.net.ssl.trustStore=" + System.getProperty("javax.net.ssl.trustStore"),
                "-Djavax.net.ssl.trustStorePassword=" + System.getProperty("javax.net.ssl.trustStorePassword"),
                "-Djavax.net.ssl.trustStoreType=" + System.getProperty("javax.net.ssl.trustStoreType")),
                FetcherCommand.class.getName(), args);
    }
}
