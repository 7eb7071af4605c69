package io.emailintel.testing;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalRabbitClusterTest {

    @Test
    void saysWhatToInstallWhenRabbitmqServerIsMissing(@TempDir Path empty) {
        assertThatThrownBy(() -> LocalRabbitCluster.start(3, List.of(empty), empty.toString()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no rabbitmq-server found")
                .hasMessageContaining(empty.toString())
                .hasMessageContaining("apt-get install rabbitmq-server");
    }
}
