package io.emailintel.ingester;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.emailintel.testing.TestBroker;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A stand-in for the OpenCTI platform speaking its GraphQL wire protocol over HTTP. Like the platform, it
 * declares a push exchange and queue on the (local, test) broker and announces them in
 * {@code registerConnector}'s answer. Behaviour switches let tests make it fail.
 */
public final class FakeOpenCti implements AutoCloseable {

    static final String CONNECTOR_USER = "88ec0c6a-13ce-5e39-b486-354fe4a7084f";
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    record ClosedWork(String id, String message, boolean inError) {
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(8);
    private final TestBroker broker;
    private final String pushExchange;
    private final String pushQueue;
    private final String pushRouting = "push_routing_connector";

    /** When not 0, every request is answered with this HTTP status (an outage). */
    public volatile int failStatus;
    /** stixBundlePush of a bundle matching this is refused with a GraphQL VALIDATION_ERROR (HTTP 200). */
    public volatile Predicate<String> rejectBundle = b -> false;
    /** stixBundlePush of a bundle matching this gets HTTP 500 every time. */
    public volatile Predicate<String> failBundle = b -> false;
    /**
     * When above 0, every answer is sent this many milliseconds after the request was handled: a slow
     * platform that did the work (a pushed bundle is recorded at once) but answers late.
     */
    public volatile long responseDelayMillis;
    /** What the connector queue details report, in bytes. */
    volatile long queueBytes;

    public final AtomicInteger requests = new AtomicInteger();
    final AtomicInteger failedRequests = new AtomicInteger();
    final AtomicInteger healthQueries = new AtomicInteger();
    public final AtomicInteger registrations = new AtomicInteger();
    final AtomicInteger pings = new AtomicInteger();
    final AtomicInteger expectations = new AtomicInteger();
    final List<String> works = new CopyOnWriteArrayList<>();
    final List<ClosedWork> closedWorks = new CopyOnWriteArrayList<>();
    public final List<String> apiBundles = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicInteger> acceptedUnanswered = new ConcurrentHashMap<>();

    public FakeOpenCti(TestBroker broker, String name) throws IOException {
        this.broker = broker;
        this.pushExchange = broker.prefix(name) + ".opencti-push";
        this.pushQueue = broker.prefix(name) + ".opencti-push-connector";
        Connection c = broker.connect();
        try (Channel ch = c.createChannel()) {
            ch.exchangeDeclare(pushExchange, BuiltinExchangeType.DIRECT, true);
            ch.queueDeclare(pushQueue, true, false, false, null);
            ch.queueBind(pushQueue, pushExchange, pushRouting);
        } catch (TimeoutException e) {
            throw new IOException(e);
        }
        broker.deleteQueueAfterwards(pushQueue);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        server.setExecutor(executor);
        // any path ending in /graphql: a client configured with url()/name posts to /name/graphql, which lets a
        // test tell its clients apart (acceptedUnanswered)
        server.createContext("/", this::handle);
        server.start();
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    public String pushQueue() {
        return pushQueue;
    }

    /**
     * Bundles taken by stixBundlePush whose answer has not been sent yet, from clients whose OPENCTI_URL is
     * {@code url() + pathPrefix} (e.g. {@code "/victim"}; {@code ""} for {@link #url()} itself). A client
     * killed now has a bundle the platform holds but the client never heard about.
     */
    public int acceptedUnanswered(String pathPrefix) {
        AtomicInteger n = acceptedUnanswered.get(pathPrefix);
        return n == null ? 0 : n.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        if (!path.endsWith("/graphql")) {
            try (exchange) {
                respond(exchange, 404, "{}");
            }
            return;
        }
        AtomicInteger unanswered = acceptedUnanswered.computeIfAbsent(
                path.substring(0, path.length() - "/graphql".length()), k -> new AtomicInteger());
        boolean accepted = false;
        try (exchange) {
            requests.incrementAndGet();
            byte[] in = exchange.getRequestBody().readAllBytes();
            if (failStatus != 0) {
                failedRequests.incrementAndGet();
                respond(exchange, failStatus, "{\"message\":\"unavailable\"}");
                return;
            }
            if (!"Bearer test-token".equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                respond(exchange, 200, "{\"errors\":[{\"message\":\"auth\",\"extensions\":{\"code\":\"AUTH_REQUIRED\"}}]}");
                return;
            }
            JsonNode request = JSON.readTree(in);
            String query = request.path("query").asText();
            JsonNode vars = request.path("variables");
            ObjectNode data = JSON.createObjectNode();
            if (query.contains("registerConnector")) {
                registrations.incrementAndGet();
                ObjectNode r = data.putObject("registerConnector");
                r.put("id", vars.path("input").path("id").asText());
                r.putNull("connector_state");
                r.put("connector_user_id", CONNECTOR_USER);
                ObjectNode config = r.putObject("config");
                ObjectNode conn = config.putObject("connection");
                conn.put("host", "127.0.0.1").put("port", 5672).put("vhost", "/").put("use_ssl", false)
                        .put("user", "guest").put("pass", "guest");
                config.put("push", pushQueue).put("push_routing", pushRouting).put("push_exchange", pushExchange);
                config.put("listen", "listen").put("listen_routing", "listen").put("listen_exchange", "amq.direct");
            } else if (query.contains("workAdd")) {
                String id = "work--" + works.size() + "-" + Math.abs(vars.path("friendlyName").asText().hashCode());
                works.add(id);
                data.putObject("workAdd").put("id", id);
            } else if (query.contains("addExpectations")) {
                expectations.addAndGet(vars.path("expectations").asInt());
                data.putObject("workEdit").put("addExpectations", vars.path("id").asText());
            } else if (query.contains("toProcessed")) {
                closedWorks.add(new ClosedWork(vars.path("id").asText(), vars.path("message").asText(),
                        vars.path("inError").asBoolean()));
                data.putObject("workEdit").put("toProcessed", vars.path("id").asText());
            } else if (query.contains("pingConnector")) {
                pings.incrementAndGet();
                data.putObject("pingConnector").put("id", vars.path("id").asText());
            } else if (query.contains("connector_queue_details")) {
                data.putObject("connector").put("id", vars.path("id").asText()).putObject("connector_queue_details")
                        .put("messages_number", 0).put("messages_size", queueBytes);
            } else if (query.contains("stixBundlePush")) {
                String bundle = vars.path("bundle").asText();
                if (failBundle.test(bundle)) {
                    failedRequests.incrementAndGet();
                    respond(exchange, 500, "{}");
                    return;
                }
                if (rejectBundle.test(bundle)) {
                    respond(exchange, 200, "{\"errors\":[{\"message\":\"Bundle rejected: invalid report\","
                            + "\"extensions\":{\"code\":\"VALIDATION_ERROR\"}}],\"data\":null}");
                    return;
                }
                apiBundles.add(bundle);
                unanswered.incrementAndGet();
                accepted = true;
                data.put("stixBundlePush", true);
            } else if (query.contains("about")) {
                healthQueries.incrementAndGet();
                data.putObject("about").put("version", "6.7.0");
            } else {
                respond(exchange, 400, "{\"errors\":[{\"message\":\"unknown operation\"}]}");
                return;
            }
            ObjectNode out = JSON.createObjectNode();
            out.set("data", data);
            respond(exchange, 200, JSON.writeValueAsString(out));
        } catch (RuntimeException e) {
            respond(exchange, 500, "{}");
        } finally {
            if (accepted) {
                unanswered.decrementAndGet();
            }
        }
    }

    private void respond(HttpExchange exchange, int status, String body) throws IOException {
        long delay = responseDelayMillis;
        if (delay > 0) {
            try {
                Thread.sleep(delay);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        try (Channel ch = broker.connect().createChannel()) {
            ch.queueDelete(pushQueue);
            ch.exchangeDelete(pushExchange);
        } catch (IOException | TimeoutException e) {
            // TestBroker deletes the queue at the end of the class as well
        }
    }
}
