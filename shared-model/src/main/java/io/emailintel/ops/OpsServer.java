package io.emailintel.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;

/**
 * The operations endpoint of a process: {@code /health/live}, {@code /health/ready} (503 until every
 * {@link Health} check is up) and {@code /metrics} in Prometheus text format. GET only; no secrets are ever
 * part of a check's detail or a metric.
 */
public final class OpsServer implements AutoCloseable {

    private final HttpServer server;
    private final PrometheusMeterRegistry registry;
    private final Health health;
    private final ObjectMapper json = new ObjectMapper();
    private final JvmGcMetrics gcMetrics = new JvmGcMetrics();

    private OpsServer(HttpServer server, PrometheusMeterRegistry registry, Health health) {
        this.server = server;
        this.registry = registry;
        this.health = health;
    }

    /** A registry with JVM and process metrics bound, tagged with the component name. */
    public static PrometheusMeterRegistry newRegistry(String component) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.config().commonTags("component", component);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        return registry;
    }

    /**
     * Starts serving on {@code port} (0 picks a free one) on all interfaces.
     *
     * @throws IOException when the port is taken
     */
    public static OpsServer start(int port, PrometheusMeterRegistry registry, Health health) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(port), 16);
        OpsServer ops = new OpsServer(server, registry, health);
        ops.gcMetrics.bindTo(registry);
        server.createContext("/health/live", ops::live);
        server.createContext("/health/ready", ops::ready);
        server.createContext("/metrics", ops::metrics);
        server.setExecutor(Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "ops-http");
            t.setDaemon(true);
            return t;
        }));
        server.start();
        return ops;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private void live(HttpExchange exchange) throws IOException {
        if (allowed(exchange)) {
            send(exchange, 200, "application/json", "{\"status\":\"UP\"}");
        }
    }

    private void ready(HttpExchange exchange) throws IOException {
        if (!allowed(exchange)) {
            return;
        }
        boolean ready = health.ready();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", ready ? "UP" : "DOWN");
        Map<String, Object> checks = new LinkedHashMap<>();
        health.checks().forEach((name, check) -> checks.put(name,
                Map.of("status", check.up() ? "UP" : "DOWN", "detail", check.detail())));
        body.put("checks", checks);
        send(exchange, ready ? 200 : 503, "application/json", json.writeValueAsString(body));
    }

    private void metrics(HttpExchange exchange) throws IOException {
        if (allowed(exchange)) {
            send(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape());
        }
    }

    private static boolean allowed(HttpExchange exchange) throws IOException {
        if ("GET".equals(exchange.getRequestMethod()) || "HEAD".equals(exchange.getRequestMethod())) {
            return true;
        }
        exchange.getResponseHeaders().add("Allow", "GET, HEAD");
        send(exchange, 405, "text/plain", "method not allowed\n");
        return false;
    }

    private static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", type);
        boolean head = "HEAD".equals(exchange.getRequestMethod());
        exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            if (!head) {
                out.write(bytes);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        gcMetrics.close();
    }
}
