package dev.missioncontrol.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.missioncontrol.app.Main;
import dev.missioncontrol.cluster.client.ClusterClient;
import dev.missioncontrol.cluster.config.ClusterSpec;
import dev.missioncontrol.cluster.proto.DecisionStatus;
import dev.missioncontrol.cluster.proto.NodeStatus;
import dev.missioncontrol.cluster.proto.QueryRecord;
import dev.missioncontrol.cluster.proto.Role;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cluster across hosts as a user sets it up: {@code cluster init --hosts} writes one file, and every "host" runs
 * {@code node --id … --cluster FILE}. The hosts are three loopback addresses (127.0.0.1, .2, .3), so each node must
 * bind the address the file gives it and reach the others at theirs, as on separate machines.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class NodesAcrossHostsTest {
    private static final List<String> HOSTS = List.of("127.0.0.1", "127.0.0.2", "127.0.0.3");

    @TempDir
    Path data;

    @Test
    void nodesStartedOneByOneOnTheirOwnHostsFormAClusterThatDecides() throws Exception {
        Path file = data.resolve("cluster.conf");
        int base = freeBasePort();
        assertThat(Main.execute(
                        "cluster",
                        "init",
                        "--hosts",
                        String.join(",", HOSTS),
                        "--base-port",
                        Integer.toString(base),
                        "--models",
                        "all-minilm-l6-v2",
                        "--out",
                        file.toString()))
                .isZero();
        ClusterSpec spec = ClusterSpec.read(file);
        assertThat(spec.nodes()).extracting(ClusterSpec.NodeSpec::host).containsExactlyElementsOf(HOSTS);
        assertThat(Main.execute("cluster", "init", "--hosts", "127.0.0.1", "--out", file.toString()))
                .as("an existing cluster file is never overwritten")
                .isEqualTo(1);

        List<Thread> nodes = new ArrayList<>();
        AtomicInteger exited = new AtomicInteger();
        for (var n : spec.nodes()) {
            // Each "host" has its own data directory, as separate machines would.
            Path hostData = data.resolve("host-" + n.id());
            Thread t = new Thread(
                    () -> {
                        Main.execute(
                                "node",
                                "--id",
                                n.id(),
                                "--cluster",
                                file.toString(),
                                "--data-dir",
                                hostData.toString());
                        exited.incrementAndGet();
                    },
                    "host-" + n.id());
            t.start();
            nodes.add(t);
        }
        try (ClusterClient client = new ClusterClient(spec)) {
            client.awaitReady(180_000, () -> exited.get() > 0);
            assertThat(exited).as("a node command ended during start").hasValue(0);
            List<NodeStatus> status = client.status();
            assertThat(status)
                    .extracting(NodeStatus::getRole)
                    .doesNotContain(Role.UNREACHABLE)
                    .contains(Role.LEADER);
            assertThat(status).allSatisfy(s -> assertThat(s.getPid()).isPositive());

            // Each node listens on its own host's address only.
            var n2 = spec.node("n2");
            assertThat(connects("127.0.0.2", n2.apiPort())).isTrue();
            assertThat(connects("127.0.0.1", n2.apiPort())).isFalse();

            QueryRecord r = client.submit("What is the main bus voltage?").get(60, TimeUnit.SECONDS);
            assertThat(r.getAnswersList()).hasSize(3);
            assertThat(r.getDecision().getStatus()).isEqualTo(DecisionStatus.CONSENSUS);
        } finally {
            // Ctrl+C on each host: the command stops its node.
            nodes.forEach(Thread::interrupt);
            for (Thread t : nodes) {
                t.join(20_000);
            }
        }
        assertThat(exited).hasValue(3);
        for (var n : spec.nodes()) {
            assertThat(connects(n.host(), n.raftPort()))
                    .as("node %s stopped with its command", n.id())
                    .isFalse();
        }
    }

    @Test
    void aNodeForAnotherHostOrAnUnknownIdIsRefusedWithoutStarting() throws Exception {
        Path file = data.resolve("cluster.conf");
        ClusterSpec.forHosts(List.of("127.0.0.1", "192.0.2.10", "127.0.0.1"), List.of("all-minilm-l6-v2"), 7100)
                .write(file);
        PrintCapture c = PrintCapture.run(
                () -> Main.execute("node", "--id", "n2", "--cluster", file.toString(), "--data-dir", data.toString()));
        assertThat(c.code()).isEqualTo(1);
        assertThat(c.err())
                .contains("node n2 is to run on 192.0.2.10")
                .contains("not an address of this machine")
                .doesNotContain("Exception");

        PrintCapture unknown = PrintCapture.run(
                () -> Main.execute("node", "--id", "n9", "--cluster", file.toString(), "--data-dir", data.toString()));
        assertThat(unknown.code()).isEqualTo(1);
        assertThat(unknown.err()).contains("No node 'n9'").contains("[n1, n2, n3]");

        PrintCapture missing = PrintCapture.run(() -> Main.execute(
                "node",
                "--id",
                "n1",
                "--cluster",
                data.resolve("nope.conf").toString(),
                "--data-dir",
                data.toString()));
        assertThat(missing.code()).isEqualTo(1);
        assertThat(missing.err()).contains("does not exist").contains("cluster init --hosts");
        assertThat(Files.exists(data.resolve("node"))).as("nothing was started").isFalse();
    }

    private static boolean connects(String host, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** A base port whose nine ports are free on all three addresses. */
    private static int freeBasePort() throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            int base = 20_000 + 300 * ThreadLocalRandom.current().nextInt(100);
            boolean free = true;
            for (int i = 1; i <= 3 && free; i++) {
                for (int port : List.of(base + i, base + 100 + i, base + 200 + i)) {
                    try (ServerSocket s = new ServerSocket()) {
                        s.bind(new InetSocketAddress(InetAddress.getByName(HOSTS.get(i - 1)), port));
                    } catch (IOException e) {
                        free = false;
                        break;
                    }
                }
            }
            if (free) {
                return base;
            }
        }
        throw new IOException("no free base port found");
    }
}
