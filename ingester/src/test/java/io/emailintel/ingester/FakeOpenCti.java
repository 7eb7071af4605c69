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
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A stand-in for the OpenCTI platform speaking its GraphQL wire protocol over HTTP. Like the platform, it
 * declares a push exchange and queue on the (local, test) broker and announces them in
 * {@code registerConnector}'s answer. Behaviour switches let tests make it fail.
 *
 * <p>It has the platform's work lifecycle ({@link FakeWorks}: works alive in a store, {@code isWorkAlive},
 * {@code reportExpectation} making the connector's status work, the connector manager's sweep with a test-sized
 * interval, {@link #sweepEvery}), and, started with {@link #startWorker}, a stand-in for the platform's worker
 * ({@link FakePlatformWorker}) that consumes the push queue with several consumers, drops the messages of works
 * that are no longer alive, and imports the rest. What it imported is recorded by STIX id ({@link #imports});
 * tests of OpenCTI outcomes count that, not what was pushed. Tests that read the push queue themselves leave
 * the worker off.
 *
 * <p>{@code stixBundlePush} behaves as opencti-graphql's {@code sendStixBundle} ({@code src/domain/connector.js}):
 * without a {@code work_id} it creates a work for the call ("{@code <connector> run @ <now>}", received at
 * once), then enqueues the whole bundle on the connector's push queue with that work id; it adds no
 * expectations for a bundle of several objects (the worker splits it and adds them).
 */
public final class FakeOpenCti implements AutoCloseable {

    static final String CONNECTOR_USER = "88ec0c6a-13ce-5e39-b486-354fe4a7084f";
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    public record ClosedWork(String id, String message, boolean inError) {
    }

    /** One object the platform's worker imported (or refused), with the work its message named (or null). */
    public record Imported(String stixId, String type, String name, String workId) {
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
    /** Expectations the connector registered with {@code workEdit { addExpectations }}. */
    public final AtomicInteger expectations = new AtomicInteger();
    /** Every work created, by the connector ({@code workAdd}) or by the platform ({@code stixBundlePush}). */
    public final List<String> works = new CopyOnWriteArrayList<>();
    public final List<ClosedWork> closedWorks = new CopyOnWriteArrayList<>();
    public final List<String> apiBundles = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicInteger> acceptedUnanswered = new ConcurrentHashMap<>();
    private final FakeWorks platformWorks = new FakeWorks();
    private final Map<String, String> connectorNames = new ConcurrentHashMap<>();
    /** Every object the worker imported, in order (an id twice: imported twice, an upsert). */
    public final List<Imported> imports = new CopyOnWriteArrayList<>();
    /** Reports the platform refused at import (the name constraint). */
    public final List<Imported> rejectedByPlatform = new CopyOnWriteArrayList<>();
    /** Push messages the worker acked without importing: their work was no longer alive. */
    public final AtomicInteger droppedMessages = new AtomicInteger();
    /** Works the connector manager's sweep closed. */
    public final List<String> sweptWorks = new CopyOnWriteArrayList<>();
    private final Object publishLock = new Object();
    private Channel publisher;
    private volatile FakePlatformWorker worker;
    private volatile ScheduledExecutorService sweeper;

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
            String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
            if (contentType != null && contentType.startsWith("multipart/form-data")) {
                respond(exchange, 200, uploadPending(contentType, in));
                return;
            }
            JsonNode request = JSON.readTree(in);
            String query = request.path("query").asText();
            JsonNode vars = request.path("variables");
            ObjectNode data = JSON.createObjectNode();
            if (query.contains("registerConnector")) {
                registrations.incrementAndGet();
                connectorNames.put(vars.path("input").path("id").asText(), vars.path("input").path("name").asText());
                ObjectNode r = data.putObject("registerConnector");
                r.put("id", vars.path("input").path("id").asText());
                answerState(r);
                r.put("connector_user_id", CONNECTOR_USER);
                ObjectNode config = r.putObject("config");
                ObjectNode conn = config.putObject("connection");
                conn.put("host", "127.0.0.1").put("port", 5672).put("vhost", "/").put("use_ssl", false)
                        .put("user", "guest").put("pass", "guest");
                config.put("push", pushQueue).put("push_routing", pushRouting).put("push_exchange", pushExchange);
                config.put("listen", "listen").put("listen_routing", "listen").put("listen_exchange", "amq.direct");
            } else if (query.contains("workAdd")) {
                String id = platformWorks.create(vars.path("connectorId").asText(),
                        vars.path("friendlyName").asText(), false).id;
                works.add(id);
                data.putObject("workAdd").put("id", id);
            } else if (query.contains("addExpectations")) {
                expectations.addAndGet(vars.path("expectations").asInt());
                platformWorks.addExpectations(vars.path("id").asText(), vars.path("expectations").asInt());
                data.putObject("workEdit").put("addExpectations", vars.path("id").asText());
            } else if (query.contains("toProcessed")) {
                closedWorks.add(new ClosedWork(vars.path("id").asText(), vars.path("message").asText(),
                        vars.path("inError").asBoolean()));
                platformWorks.toProcessed(vars.path("id").asText(), vars.path("message").asText(),
                        vars.path("inError").asBoolean());
                data.putObject("workEdit").put("toProcessed", vars.path("id").asText());
            } else if (query.contains("isWorkAlive")) {
                data.put("isWorkAlive", platformWorks.isAlive(vars.path("id").asText()));
            } else if (query.contains("pingConnector")) {
                pings.incrementAndGet();
                ping(vars, data.putObject("pingConnector").put("id", vars.path("id").asText()));
            } else if (query.contains("connector_queue_details")) {
                data.putObject("connector").put("id", vars.path("id").asText()).putObject("connector_queue_details")
                        .put("messages_number", 0).put("messages_size", queueBytes);
            } else if (query.contains("stixBundlePush")) {
                String bundle = vars.path("bundle").asText();
                String code = bundlePushError(bundle);
                if (code != null) {
                    respond(exchange, 200, graphQlError(code, "Invalid bundle"));
                    return;
                }
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
                enqueueBundle(vars.path("connectorId").asText(), bundle, vars.path("work_id"));
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

    // region error codes (opencti-graphql src/config/errors.ts: GraphQLError with extensions.code; HTTP 200 with
    // an errors array). stixBundlePush wraps any failure of its own, an outage included, as UNSUPPORTED_ERROR
    // "Invalid bundle" (src/domain/connector.js sendStixBundle: catch (err) → UnsupportedError('Invalid bundle')).

    /** The code stixBundlePush answers for a bundle, or null to accept it (e.g. b -> "UNSUPPORTED_ERROR"). */
    public volatile java.util.function.Function<String, String> bundlePushErrorCode = b -> null;
    /** How many stixBundlePush calls were answered with an error code. */
    public final AtomicInteger bundlePushErrors = new AtomicInteger();

    private String bundlePushError(String bundle) {
        String code = bundlePushErrorCode.apply(bundle);
        if (code != null) {
            bundlePushErrors.incrementAndGet();
        }
        return code;
    }

    private static String graphQlError(String code, String message) throws IOException {
        ObjectNode out = JSON.createObjectNode();
        ObjectNode error = out.putArray("errors").addObject().put("message", message);
        error.putObject("extensions").put("code", code);
        out.putNull("data");
        return JSON.writeValueAsString(out);
    }
    // endregion

    // region uploadPending (CONNECTOR_VALIDATE_BEFORE_IMPORT): a GraphQL multipart request
    // (jaydenseric/graphql-multipart-request-spec, as pycti's OpenCTIApiClient.query sends files); the platform
    // stores the file among the pending imports (an analyst workbench) and answers the File
    // (schema: uploadPending(file: Upload!, entityId: String, file_markings: [String!]): File)

    /** A file uploaded for analyst review. */
    public record PendingFile(String name, String mimeType, byte[] content, List<String> fileMarkings) {
    }

    public final List<PendingFile> pendingFiles = new CopyOnWriteArrayList<>();

    private String uploadPending(String contentType, byte[] body) throws IOException {
        String boundary = contentType.replaceFirst(".*boundary=\"?([^\";]+)\"?.*", "$1");
        Map<String, byte[]> parts = new java.util.LinkedHashMap<>();
        Map<String, String[]> fileInfo = new java.util.HashMap<>();
        String text = new String(body, StandardCharsets.ISO_8859_1); // byte-preserving
        for (String chunk : text.split("--" + java.util.regex.Pattern.quote(boundary))) {
            int headEnd = chunk.indexOf("\r\n\r\n");
            if (headEnd < 0) {
                continue;
            }
            String head = chunk.substring(0, headEnd);
            String name = head.replaceFirst("(?s).*?; name=\"([^\"]*)\".*", "$1");
            String content = chunk.substring(headEnd + 4, chunk.length() - 2); // without the CRLF before the boundary
            parts.put(name, content.getBytes(StandardCharsets.ISO_8859_1));
            if (head.contains("filename=")) {
                fileInfo.put(name, new String[] {head.replaceFirst("(?s).*filename=\"([^\"]*)\".*", "$1"),
                        head.replaceFirst("(?s).*Content-Type: ([^\r\n]+).*", "$1")});
            }
        }
        JsonNode operations = JSON.readTree(parts.get("operations"));
        JsonNode map = JSON.readTree(parts.get("map"));
        if (!operations.path("query").asText().contains("uploadPending") || !map.path("0").get(0).asText()
                .equals("variables.file") || !operations.path("variables").path("file").isNull()) {
            return "{\"errors\":[{\"message\":\"unexpected upload\",\"extensions\":{\"code\":\"BAD_USER_INPUT\"}}]}";
        }
        String[] info = fileInfo.get("0");
        List<String> markings = new java.util.ArrayList<>();
        operations.path("variables").path("file_markings").forEach(m -> markings.add(m.asText()));
        pendingFiles.add(new PendingFile(info[0], info[1], parts.get("0"), markings));
        ObjectNode out = JSON.createObjectNode();
        out.putObject("data").putObject("uploadPending").put("id", "import/pending/" + info[0]).put("name", info[0]);
        return JSON.writeValueAsString(out);
    }
    // endregion

    // region connector state (opencti-graphql src/domain/connector: registerConnector answers the stored
    // connector; updateConnectorWithConnectorInfo stores the pinged state unless connector_state_reset is set,
    // in which case it clears the flag and keeps the reset state; resetStateConnector sets "" and the flag)

    /** The connector's state as the platform stores it (null: never set). */
    public volatile String connectorState;
    private volatile boolean stateResetPending;
    /** Every pingConnector's {@code state} and {@code connectorInfo}, in order. */
    public final List<JsonNode> pingedStates = new CopyOnWriteArrayList<>();
    public final List<JsonNode> pingedInfos = new CopyOnWriteArrayList<>();

    /** What an operator's "reset state" in the UI does. */
    public void resetState() {
        connectorState = "";
        stateResetPending = true;
    }

    private void answerState(ObjectNode connector) {
        connector.put("connector_state", connectorState);
        connector.put("connector_state_reset", stateResetPending);
    }

    private synchronized void ping(JsonNode vars, ObjectNode connector) {
        pingedStates.add(vars.path("state"));
        pingedInfos.add(vars.path("connectorInfo"));
        if (stateResetPending) {
            stateResetPending = false;
        } else {
            connectorState = vars.path("state").isNull() ? null : vars.path("state").asText();
        }
        answerState(connector);
    }
    // endregion

    /** {@code sendStixBundle}: the work (given, or one created for this call), then the bundle onto the push queue. */
    private void enqueueBundle(String connectorId, String bundle, JsonNode workIdNode) throws IOException {
        String workId = workIdNode == null || workIdNode.isNull() || workIdNode.asText().isEmpty() ? null
                : workIdNode.asText();
        if (workId == null) {
            workId = platformWorks.create(connectorId, connectorNames.getOrDefault(connectorId, "connector")
                    + " run @ " + java.time.Instant.now(), true).id;
            works.add(workId);
        }
        ObjectNode message = JSON.createObjectNode().put("type", "bundle").put("applicant_id", CONNECTOR_USER)
                .put("content", java.util.Base64.getEncoder().encodeToString(bundle.getBytes(StandardCharsets.UTF_8)))
                .put("work_id", workId).put("update", true);
        synchronized (publishLock) {
            try {
                if (publisher == null || !publisher.isOpen()) {
                    publisher = broker.connect().createChannel();
                    publisher.confirmSelect();
                }
                publisher.basicPublish(pushExchange, pushRouting, new com.rabbitmq.client.AMQP.BasicProperties.Builder()
                        .deliveryMode(2).contentEncoding("utf-8").build(), JSON.writeValueAsBytes(message));
                publisher.waitForConfirmsOrDie(10_000);
            } catch (InterruptedException | TimeoutException e) {
                throw new IOException("could not enqueue the bundle", e);
            }
        }
    }

    /**
     * Starts the platform's worker on the push queue: {@code consumers} consumers, each taking
     * {@code perMessage} to import one object (splitting a bundle costs nothing).
     */
    public synchronized void startWorker(int consumers, java.time.Duration perMessage) throws IOException {
        if (worker != null) {
            throw new IllegalStateException("the worker is already running");
        }
        worker = new FakePlatformWorker(this, broker::connect, pushQueue, pushExchange, pushRouting, consumers,
                perMessage, () -> failStatus != 0);
    }

    /** Runs the connector manager's sweep every {@code interval} (the platform: 60 s by default). */
    public synchronized void sweepEvery(java.time.Duration interval) {
        if (sweeper != null) {
            throw new IllegalStateException("the sweep is already running");
        }
        ScheduledExecutorService s = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "fake-opencti-connector-manager");
            t.setDaemon(true);
            return t;
        });
        s.scheduleWithFixedDelay(this::sweepNow, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        sweeper = s;
    }

    /** One pass of the connector manager. */
    public void sweepNow() {
        for (FakeWorks.PlatformWork w : platformWorks.sweep()) {
            sweptWorks.add(w.id);
        }
    }

    /**
     * Unbinds (false) or binds again (true) the push queue from the push exchange: the platform's broker then
     * returns every mandatory push as unroutable, as while the platform recreates its queues.
     */
    public void routePushes(boolean routed) throws IOException {
        try (Channel ch = broker.connect().createChannel()) {
            if (routed) {
                ch.queueBind(pushQueue, pushExchange, pushRouting);
            } else {
                ch.queueUnbind(pushQueue, pushExchange, pushRouting);
            }
        } catch (TimeoutException e) {
            throw new IOException(e);
        }
    }

    /**
     * While {@code refused}, the platform's broker refuses (nacks) every push, as a full queue does: a queue
     * declared with {@code x-max-length} 0 and {@code x-overflow: reject-publish} is bound to the push routing key
     * before the push queue is unbound, and the push queue bound again before it is unbound (RabbitMQ,
     * https://www.rabbitmq.com/docs/maxlength: "reject-publish … publisher confirms: nack"). At no moment is the
     * routing key unbound, so no publish is unroutable while the bindings change.
     */
    public void refusePushes(boolean refused) throws IOException {
        String full = pushQueue + ".full";
        try (Channel ch = broker.connect().createChannel()) {
            if (refused) {
                ch.queueDeclare(full, false, false, false, Map.of("x-max-length", 0, "x-overflow", "reject-publish"));
                ch.queueBind(full, pushExchange, pushRouting);
                ch.queueUnbind(pushQueue, pushExchange, pushRouting);
            } else {
                ch.queueBind(pushQueue, pushExchange, pushRouting);
                ch.queueUnbind(full, pushExchange, pushRouting);
                ch.queueDelete(full);
            }
        } catch (TimeoutException e) {
            throw new IOException(e);
        }
    }

    /** Messages waiting in the push queue (on one channel kept open: a connection per call would pile up). */
    public long pushQueueDepth() throws IOException {
        synchronized (publishLock) {
            if (publisher == null || !publisher.isOpen()) {
                publisher = broker.connect().createChannel();
                publisher.confirmSelect();
            }
            return publisher.messageCount(pushQueue);
        }
    }

    /** An operator deletes the work in the UI. */
    public void deleteWork(String workId) {
        platformWorks.delete(workId);
    }

    /** Push messages the worker has received and not yet acked or nacked (a prefetch of 1 per consumer). */
    public long workerInFlight() {
        FakePlatformWorker w = worker;
        return w == null ? 0 : w.delivered.get() - w.settled.get();
    }

    /** Whether the platform still tracks the work. */
    public boolean isWorkAlive(String workId) {
        return platformWorks.isAlive(workId);
    }

    /** What the platform shows for a work: status, expected and processed numbers, messages and errors. */
    public String describeWork(String workId) {
        FakeWorks.PlatformWork w = platformWorks.get(workId);
        return w == null ? "(none)" : w.status + " expected=" + w.expected + " processed=" + w.processed
                + " messages=" + w.messages + " errors=" + w.errors + (w.swept ? " swept" : "");
    }

    /** Distinct reports the worker imported, by STIX id. */
    public java.util.Set<String> importedReportIds() {
        java.util.Set<String> ids = new java.util.HashSet<>();
        for (Imported i : imports) {
            if ("report".equals(i.type())) {
                ids.add(i.stixId());
            }
        }
        return ids;
    }

    FakeWorks works() {
        return platformWorks;
    }

    void imported(JsonNode object, String workId) {
        imports.add(new Imported(object.path("id").asText(), object.path("type").asText(),
                object.path("name").asText(null), workId));
    }

    void rejected(JsonNode object, String workId) {
        rejectedByPlatform.add(new Imported(object.path("id").asText(), object.path("type").asText(),
                object.path("name").asText(null), workId));
    }

    /** Messages the worker discarded as unreadable ("nack" without requeue), with why and how they began. */
    public final List<String> discardedMessages = new CopyOnWriteArrayList<>();

    void discarded(String why, byte[] body) {
        String start = new String(body, 0, Math.min(body.length, 300), StandardCharsets.UTF_8);
        discardedMessages.add(why + ": " + start);
    }

    void dropped(JsonNode message) {
        droppedMessages.incrementAndGet();
    }

    /**
     * {@code ReportAddInput.name: String! @constraint(minLength: 2, format: "not-blank")} (opencti.graphql):
     * at least 2 UTF-16 code units (graphql-constraint-directive counts JavaScript's {@code length}) and not
     * blank after JavaScript's {@code String.prototype.trim()}, which removes every WhiteSpace and
     * LineTerminator of ECMA-262: U+0009, U+000A–U+000D, U+0020, U+00A0, U+1680, U+2000–U+200A, U+2028, U+2029,
     * U+202F, U+205F, U+3000 and U+FEFF (Java's {@code strip()} misses U+00A0, U+2007, U+202F and U+FEFF).
     */
    static boolean acceptsReportName(JsonNode name) {
        if (name == null || !name.isTextual()) {
            return false;
        }
        String value = name.asText();
        if (value.length() < 2) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            if (!isJsWhiteSpace(value.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    static boolean isJsWhiteSpace(char c) {
        return c == '\t' || (c >= '\n' && c <= '\r') || c == ' ' || c == '\u00A0' || c == '\u1680'
                || (c >= '\u2000' && c <= '\u200A') || c == '\u2028' || c == '\u2029' || c == '\u202F'
                || c == '\u205F' || c == '\u3000' || c == '\uFEFF';
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
        FakePlatformWorker w = worker;
        if (w != null) {
            w.close();
        }
        ScheduledExecutorService s = sweeper;
        if (s != null) {
            s.shutdownNow();
        }
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
