package io.emailintel.bench;

import com.rabbitmq.client.Connection;
import io.emailintel.topology.BrokerUri;
import java.lang.management.ManagementFactory;

/** What the numbers were measured on. */
record MachineInfo(int cores, long memoryBytes, String jdk, String os, String broker) {

    static MachineInfo probe(BrokerUri uri) throws Exception {
        long memory = -1;
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            memory = os.getTotalMemorySize();
        }
        String broker;
        try (Connection c = uri.connect("bench-probe")) {
            Object product = c.getServerProperties().get("product");
            Object version = c.getServerProperties().get("version");
            broker = product + " " + version;
        }
        return new MachineInfo(Runtime.getRuntime().availableProcessors(), memory,
                System.getProperty("java.vm.name") + " " + System.getProperty("java.version"),
                System.getProperty("os.name") + " " + System.getProperty("os.arch"), broker);
    }

    String markdown() {
        return "| cores | memory | JDK | OS | broker |\n|---|---|---|---|---|\n| " + cores + " | "
                + (memoryBytes < 0 ? "?" : String.format("%.1f GiB", memoryBytes / (1024.0 * 1024 * 1024))) + " | "
                + jdk + " | " + os + " | " + broker + " |\n";
    }
}
