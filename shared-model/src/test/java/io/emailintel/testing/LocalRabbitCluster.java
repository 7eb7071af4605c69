package io.emailintel.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A RabbitMQ cluster of three (or more) nodes on this machine, beside whatever broker already runs on 5672: each
 * node has its own node name ({@code ei-c1@localhost}, …), AMQP port (5681, 5682, …), distribution port
 * (25681, …), data, log, configuration and enabled-plugins files under one temporary directory, and no
 * management listener; all share one Erlang cookie (a {@code .erlang.cookie} in the directory that serves as
 * {@code HOME} for the servers and the CLI tools) and the machine's epmd. Nodes 2..n join node 1 with
 * {@code rabbitmqctl stop_app; join_cluster; start_app} (https://www.rabbitmq.com/docs/clustering, "Creating a
 * Cluster").
 *
 * <p>It runs the server script under {@code /usr/lib/rabbitmq/bin} directly (Debian's {@code /usr/sbin}
 * wrapper switches to the {@code rabbitmq} user and its home), so it works the same as root and as any other
 * user. {@link #close()} kills every node it started, by process id, and deletes the directory; a JVM shutdown
 * hook does the same when a test run is cut short.
 */
public final class LocalRabbitCluster implements AutoCloseable {

    /** First AMQP port; the machine's broker keeps 5672. */
    public static final int BASE_PORT = 5681;
    private static final Duration START = Duration.ofSeconds(180);
    private static final List<Path> SCRIPT_DIRS = List.of(Path.of("/usr/lib/rabbitmq/bin"),
            Path.of("/usr/local/lib/rabbitmq/bin"), Path.of("/opt/rabbitmq/sbin"));

    private final Path dir;
    private final Path scripts;
    private final List<Node> nodes = new ArrayList<>();
    private final Thread hook = new Thread(this::killAll, "rabbit-cluster-cleanup");

    /** One node: its Erlang node name, AMQP port, and (while it runs) the {@code beam.smp} process. */
    public static final class Node {
        private final int index;
        private final String name;
        private final int port;
        private final Path home;
        private Process launcher;
        private volatile long pid = -1;

        private Node(int index, String name, int port, Path home) {
            this.index = index;
            this.name = name;
            this.port = port;
            this.home = home;
        }

        public int index() {
            return index;
        }

        public String name() {
            return name;
        }

        public int port() {
            return port;
        }

        /** The Erlang VM's process id, or -1 when the node is not running. */
        public long pid() {
            return pid;
        }

        @Override
        public String toString() {
            return name + " (amqp " + port + ", pid " + pid + ")";
        }
    }

    private LocalRabbitCluster(Path dir, Path scripts) {
        this.dir = dir;
        this.scripts = scripts;
    }

    /**
     * Starts {@code size} nodes on {@link #BASE_PORT} onwards and clusters them.
     *
     * @throws IllegalStateException naming what is missing: the RabbitMQ server scripts, a free port, or a node
     *                               that did not start (with the end of its log)
     */
    public static LocalRabbitCluster start(int size) {
        return start(size, SCRIPT_DIRS, System.getenv("PATH"));
    }

    /** {@link #start(int)}, looking for the server scripts in {@code scriptDirs}, then on {@code path}. */
    static LocalRabbitCluster start(int size, List<Path> scriptDirs, String path) {
        Path scripts = findScripts(scriptDirs, path).orElseThrow(() -> new IllegalStateException("cannot start a "
                + "local RabbitMQ cluster: no rabbitmq-server found (looked in " + scriptDirs + " and on PATH). "
                + "Install it (Debian: apt-get install rabbitmq-server; .ci/run does this) and run again."));
        for (int i = 0; i < size; i++) {
            for (int port : new int[] {BASE_PORT + i, 20_000 + BASE_PORT + i}) {
                if (listening(port)) {
                    throw new IllegalStateException("cannot start a local RabbitMQ cluster: port " + port
                            + " is already in use (a cluster left over from an earlier run? "
                            + "`ps -ef | grep ei-c` shows its nodes)");
                }
            }
        }
        Path dir;
        try {
            dir = Files.createTempDirectory("rabbit-cluster-");
            Path cookie = dir.resolve(".erlang.cookie");
            Files.writeString(cookie, "EMAILINTEL" + UUID.randomUUID().toString().replace("-", "").toUpperCase());
            Files.setPosixFilePermissions(cookie, PosixFilePermissions.fromString("r--------"));
            Files.writeString(dir.resolve("rabbitmq-env.conf"), "# empty: the machine's own env file is not read\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        LocalRabbitCluster cluster = new LocalRabbitCluster(dir, scripts);
        Runtime.getRuntime().addShutdownHook(cluster.hook);
        try {
            for (int i = 0; i < size; i++) {
                cluster.nodes.add(cluster.prepare(i + 1));
            }
            // the nodes boot in parallel (about 10-20 s each on a busy machine), then join one by one
            List<CompletableFuture<Void>> boots = new ArrayList<>();
            for (Node n : cluster.nodes) {
                cluster.launch(n);
            }
            for (Node n : cluster.nodes) {
                boots.add(CompletableFuture.runAsync(() -> cluster.awaitStarted(n)));
            }
            boots.forEach(CompletableFuture::join);
            Node first = cluster.nodes.get(0);
            for (Node n : cluster.nodes.subList(1, size)) {
                cluster.ctl(n, Duration.ofSeconds(60), "stop_app");
                cluster.ctl(n, Duration.ofSeconds(60), "join_cluster", first.name);
                cluster.ctl(n, Duration.ofSeconds(90), "start_app");
            }
            String status = cluster.ctl(first, Duration.ofSeconds(60), "cluster_status");
            for (Node n : cluster.nodes) {
                if (!status.contains(n.name)) {
                    throw new IllegalStateException(n.name + " is not in the cluster:\n" + status);
                }
            }
            return cluster;
        } catch (RuntimeException e) {
            cluster.close();
            Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null
                    ? e.getCause() : e;
            throw new IllegalStateException("cannot start a local RabbitMQ cluster: " + cause.getMessage(), cause);
        }
    }

    private static Optional<Path> findScripts(List<Path> scriptDirs, String path) {
        for (Path d : scriptDirs) {
            if (Files.isExecutable(d.resolve("rabbitmq-server")) && Files.isExecutable(d.resolve("rabbitmqctl"))) {
                return Optional.of(d);
            }
        }
        if (path != null) {
            for (String p : path.split(":")) {
                Path d = Path.of(p);
                if (Files.isExecutable(d.resolve("rabbitmq-server")) && Files.isExecutable(d.resolve("rabbitmqctl"))
                        && !d.toString().equals("/usr/sbin")) {
                    return Optional.of(d);
                }
            }
        }
        return Optional.empty();
    }

    private Node prepare(int index) {
        int port = BASE_PORT + index - 1;
        Path home = dir.resolve("n" + index);
        try {
            Files.createDirectories(home);
            // loopback only; guest may log in (it is loopback anyway); no management plugin, so no 15672 clash.
            // pause_minority: a node cut off from the majority pauses instead of running on split, the mode the
            // partitions guide recommends for 3+ nodes (https://www.rabbitmq.com/docs/partitions)
            Files.writeString(home.resolve("rabbitmq.conf"), String.join("\n",
                    "listeners.tcp.1 = 127.0.0.1:" + port,
                    "loopback_users = none",
                    "cluster_partition_handling = pause_minority",
                    // a frozen node is noticed by its clients after two missed heartbeats (20 s), well within
                    // the 60 s net_ticktime after which its peers would call it down
                    "heartbeat = 10",
                    "log.console = false",
                    "log.file.level = info", ""));
            Files.writeString(home.resolve("enabled_plugins"), "[].\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Node(index, "ei-c" + index + "@localhost", port, home);
    }

    private Map<String, String> env(Node n) {
        Map<String, String> env = new HashMap<>();
        env.put("HOME", dir.toString());
        env.put("RABBITMQ_CONF_ENV_FILE", dir.resolve("rabbitmq-env.conf").toString());
        env.put("ERL_EPMD_ADDRESS", "127.0.0.1");
        if (n != null) {
            env.put("RABBITMQ_NODENAME", n.name);
            env.put("RABBITMQ_NODE_PORT", Integer.toString(n.port));
            env.put("RABBITMQ_DIST_PORT", Integer.toString(20_000 + n.port));
            env.put("RABBITMQ_MNESIA_BASE", n.home.resolve("mnesia").toString());
            env.put("RABBITMQ_LOG_BASE", n.home.resolve("log").toString());
            env.put("RABBITMQ_CONFIG_FILE", n.home.resolve("rabbitmq.conf").toString());
            // not the machine's /etc/rabbitmq/advanced.config: this path does not exist
            env.put("RABBITMQ_ADVANCED_CONFIG_FILE", n.home.resolve("advanced.config").toString());
            env.put("RABBITMQ_ENABLED_PLUGINS_FILE", n.home.resolve("enabled_plugins").toString());
            env.put("RABBITMQ_PID_FILE", n.home.resolve("pid").toString());
            env.put("RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS", "-kernel inet_dist_use_interface {127,0,0,1}");
        }
        return env;
    }

    private void launch(Node n) {
        try {
            Files.deleteIfExists(n.home.resolve("pid"));
            ProcessBuilder pb = new ProcessBuilder(scripts.resolve("rabbitmq-server").toString())
                    .directory(n.home.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(n.home.resolve("server.out").toFile()));
            pb.environment().putAll(env(n));
            n.launcher = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void awaitStarted(Node n) {
        Instant deadline = Instant.now().plus(START);
        while (!Files.exists(n.home.resolve("pid"))) {
            if (!n.launcher.isAlive() || Instant.now().isAfter(deadline)) {
                throw new IllegalStateException(n.name + " did not start; its output ends:\n" + tail(n));
            }
            sleep(200);
        }
        ctl(n, START, "await_startup", "--timeout", Long.toString(START.toSeconds()));
        try {
            n.pid = Long.parseLong(Files.readString(n.home.resolve("pid")).strip());
        } catch (IOException | NumberFormatException e) {
            throw new IllegalStateException(n.name + ": unreadable pid file", e);
        }
    }

    private String tail(Node n) {
        StringBuilder out = new StringBuilder();
        try (Stream<Path> logs = Stream.concat(Stream.of(n.home.resolve("server.out")),
                Files.exists(n.home.resolve("log")) ? Files.list(n.home.resolve("log")) : Stream.empty())) {
            for (Path p : logs.filter(Files::isRegularFile).toList()) {
                List<String> lines = Files.readAllLines(p, StandardCharsets.ISO_8859_1);
                out.append("== ").append(p).append('\n');
                lines.subList(Math.max(0, lines.size() - 15), lines.size()).forEach(l -> out.append(l).append('\n'));
            }
        } catch (IOException e) {
            out.append("(logs unreadable: ").append(e.getMessage()).append(')');
        }
        return out.toString();
    }

    /** Runs {@code rabbitmqctl -n node args…} and returns its output; a non-zero exit fails with that output. */
    public String ctl(Node n, Duration timeout, String... args) {
        return tool("rabbitmqctl", n, timeout, args);
    }

    private String tool(String tool, Node n, Duration timeout, String... args) {
        List<String> cmd = new ArrayList<>(List.of(scripts.resolve(tool).toString(), "-n", n.name));
        cmd.addAll(List.of(args));
        try {
            Path out = Files.createTempFile(dir, "ctl-", ".out");
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(out.toFile());
            pb.environment().putAll(env(null));
            Process p = pb.start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new IllegalStateException(String.join(" ", args) + " on " + n.name + " timed out after "
                        + timeout + ":\n" + Files.readString(out, StandardCharsets.ISO_8859_1));
            }
            String text = Files.readString(out, StandardCharsets.ISO_8859_1);
            Files.deleteIfExists(out);
            if (p.exitValue() != 0) {
                throw new IllegalStateException(tool + " " + String.join(" ", args) + " on " + n.name
                        + " exited " + p.exitValue() + ":\n" + text);
            }
            return text;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    public List<Node> nodes() {
        return List.copyOf(nodes);
    }

    public Node node(int index) {
        return nodes.get(index - 1);
    }

    /** The node with this Erlang name. */
    public Node node(String name) {
        return nodes.stream().filter(n -> n.name.equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no node " + name + " in " + nodes));
    }

    /** Every node in one AMQP URI, the multi-host form {@code PIPELINE_RABBITMQ_URI} takes. */
    public String uri() {
        StringBuilder hosts = new StringBuilder();
        for (Node n : nodes) {
            hosts.append(hosts.length() == 0 ? "" : ",").append("127.0.0.1:").append(n.port);
        }
        return "amqp://guest:guest@" + hosts + "/%2F";
    }

    /** A {@link TestBroker} on the whole cluster: a prefix of its own, and clean-up of what it declared. */
    public TestBroker broker(String testName) {
        return new TestBroker(uri(), testName);
    }

    /** One queue's replicas as {@code rabbitmqctl list_queues} reports them (asked of a running node). */
    public record QueueReplicas(String queue, String leader, List<String> members, List<String> online) {
    }

    /** The leader and members of a quorum queue in the default vhost, asked of any running node. */
    public QueueReplicas replicas(String queue) {
        QueueReplicas r = replicas().get(queue);
        if (r == null) {
            throw new IllegalStateException("queue " + queue + " not listed");
        }
        return r;
    }

    /**
     * Every queue's leader and members in one {@code rabbitmqctl list_queues} (a CLI call takes seconds: the tool
     * starts an Erlang VM of its own), asked of the first running node.
     */
    public Map<String, QueueReplicas> replicas() {
        Node asked = nodes.stream().filter(n -> n.pid > 0).findFirst()
                .orElseThrow(() -> new IllegalStateException("no node running"));
        String out = ctl(asked, Duration.ofSeconds(60), "list_queues", "--quiet", "--no-table-headers",
                "name", "leader", "members", "online");
        Map<String, QueueReplicas> all = new HashMap<>();
        for (String line : out.split("\n")) {
            String[] cols = line.split("\t");
            if (cols.length >= 4) {
                all.put(cols[0], new QueueReplicas(cols[0], cols[1], names(cols[2]), names(cols[3])));
            }
        }
        return all;
    }

    private static List<String> names(String list) {
        String inner = list.strip().replaceAll("^\\[|]$", "");
        return inner.isBlank() ? List.of() : Stream.of(inner.split(",")).map(String::strip).toList();
    }

    /** The node that leads {@code queue} now. */
    public Node leaderOf(String queue) {
        return node(replicas(queue).leader());
    }

    /** SIGKILL of the node's Erlang VM: no goodbye to peers or clients, as a crashed host. */
    public void kill9(Node n) {
        ProcessHandle.of(n.pid).ifPresent(p -> {
            p.destroyForcibly();
            p.onExit().orTimeout(30, TimeUnit.SECONDS).join();
        });
        waitLauncher(n);
        n.pid = -1;
    }

    /** A clean stop of the whole node ({@code rabbitmqctl stop}): clients are closed, peers told. */
    public void stop(Node n) {
        long pid = n.pid;
        ctl(n, Duration.ofSeconds(120), "stop");
        ProcessHandle.of(pid).ifPresent(p -> p.onExit().orTimeout(60, TimeUnit.SECONDS).join());
        waitLauncher(n);
        n.pid = -1;
    }

    private static void waitLauncher(Node n) {
        try {
            if (n.launcher != null && !n.launcher.waitFor(30, TimeUnit.SECONDS)) {
                n.launcher.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Starts stopped or killed nodes again with their data, all at once (a node whose peers went down after it
     * waits for them at boot, so several must start together); each rejoins the cluster by itself.
     */
    public void restart(Node... stopped) {
        for (Node n : stopped) {
            if (n.pid > 0) {
                throw new IllegalStateException(n + " is running");
            }
        }
        for (Node n : stopped) {
            launch(n);
        }
        List<CompletableFuture<Void>> boots = new ArrayList<>();
        for (Node n : stopped) {
            boots.add(CompletableFuture.runAsync(() -> awaitStarted(n)));
        }
        try {
            boots.forEach(CompletableFuture::join);
        } catch (java.util.concurrent.CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    /** SIGSTOP: the node stops answering anyone (heartbeats, peers) but keeps its sockets open. */
    public void freeze(Node n) {
        signal(n, "STOP");
    }

    /** SIGCONT after {@link #freeze(Node)}. */
    public void thaw(Node n) {
        signal(n, "CONT");
    }

    private static void signal(Node n, String signal) {
        try {
            Process p = new ProcessBuilder("kill", "-" + signal, Long.toString(n.pid)).inheritIO().start();
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("kill -" + signal + " " + n + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static boolean listening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Kills the nodes this cluster started (by their process ids) and deletes its directory. */
    private void killAll() {
        for (Node n : nodes) {
            if (n.pid <= 0 && n.launcher != null && n.launcher.isAlive()) {
                try { // still booting: its pid file may already be there
                    n.pid = Long.parseLong(Files.readString(n.home.resolve("pid")).strip());
                } catch (IOException | NumberFormatException e) {
                    // not written yet: killing the launcher below is all there is
                }
            }
            if (n.pid > 0) {
                ProcessHandle.of(n.pid).ifPresent(p -> {
                    // a frozen VM ignores nothing but SIGKILL, which this is
                    p.destroyForcibly();
                    p.onExit().orTimeout(30, TimeUnit.SECONDS).exceptionally(t -> p).join();
                });
                n.pid = -1;
            }
            if (n.launcher != null && n.launcher.isAlive()) {
                n.launcher.destroyForcibly();
            }
        }
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort: a temp directory
        }
    }

    /** The directory with the nodes' data and logs (kept until {@link #close()}). */
    public Path directory() {
        return dir;
    }

    @Override
    public void close() {
        killAll();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // already shutting down: the hook runs anyway
        }
    }
}
