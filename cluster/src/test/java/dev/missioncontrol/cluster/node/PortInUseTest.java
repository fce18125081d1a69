package dev.missioncontrol.cluster.node;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.missioncontrol.cluster.config.ClusterSpec;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A node refuses to start on a port another program holds, and says which one, before loading anything. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PortInUseTest {
    @TempDir
    Path data;

    @Test
    void aPortInUseIsNamed() throws Exception {
        ClusterSpec free = ClusterSpec.loopback(3, List.of("all-minilm-l6-v2"));
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            var n1 = free.nodes().getFirst();
            var blocked = new ClusterSpec.NodeSpec(
                    n1.id(), n1.host(), n1.raftPort(), taken.getLocalPort(), n1.metricsPort(), n1.model());
            ClusterSpec spec = new ClusterSpec(
                    free.group(),
                    free.tau(),
                    free.deadlineMillis(),
                    List.of(blocked, free.nodes().get(1), free.nodes().get(2)));
            assertThatThrownBy(() -> Node.start(spec, "n1", data, Optional.empty()))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("Port " + taken.getLocalPort() + " (api) on 127.0.0.1 is in use");
        }
    }
}
