package dev.missioncontrol.cluster.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.missioncontrol.cluster.config.ClusterSpec;
import dev.missioncontrol.cluster.config.RaftSetup;
import dev.missioncontrol.cluster.proto.FaultRule;
import dev.missioncontrol.cluster.proto.LinkProbe;
import dev.missioncontrol.cluster.proto.PeerTraffic;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.proto.RaftProtos;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.TimeDuration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Who a message on the Raft port comes from, as the partition rules need it: a peer's Raft request names it, a node's
 * own client carries its node in its id (so a cut-off node's answers cannot slip through another node's client port),
 * a console's or CLI's client is nobody's, a link probe names its sender. And the rules a node keeps survive its
 * restart.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class RaftTrafficFaultsTest {
    @TempDir
    Path data;

    private final ClusterSpec spec = ClusterSpec.loopback(3, List.of("all-minilm-l6-v2"));
    private final ScheduledExecutorService delivery = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stop() {
        delivery.shutdownNow();
    }

    @Test
    void theSenderOfEveryKindOfMessageIsKnown() throws Exception {
        NodeFaults faults = new NodeFaults("n1", spec.group().toString(), data);
        RaftTrafficFaults traffic = new RaftTrafficFaults(spec, faults, delivery);
        var append = RaftProtos.AppendEntriesRequestProto.newBuilder()
                .setServerRequest(
                        RaftProtos.RaftRpcRequestProto.newBuilder().setRequestorId(ByteString.copyFromUtf8("n2")))
                .build();
        assertThat(traffic.senderOf(append)).isEqualTo("n2");
        var vote = RaftProtos.RequestVoteRequestProto.newBuilder()
                .setServerRequest(
                        RaftProtos.RaftRpcRequestProto.newBuilder().setRequestorId(ByteString.copyFromUtf8("n3")))
                .build();
        assertThat(traffic.senderOf(vote)).isEqualTo("n3");
        try (var nodeClient = RaftSetup.nodeClient(spec, "n3", TimeDuration.ONE_SECOND);
                var console = RaftSetup.client(spec, TimeDuration.ONE_SECOND)) {
            assertThat(traffic.senderOf(clientRequest(nodeClient.getId().toByteString())))
                    .isEqualTo("n3");
            assertThat(traffic.senderOf(clientRequest(console.getId().toByteString())))
                    .isNull();
        }
        assertThat(traffic.senderOf(LinkProbe.newBuilder().setFrom("n2").build().toByteArray()))
                .isEqualTo("n2");
        assertThat(traffic.senderOf("something else")).isNull();
    }

    private static RaftProtos.RaftClientRequestProto clientRequest(ByteString clientId) {
        return RaftProtos.RaftClientRequestProto.newBuilder()
                .setRpcRequest(RaftProtos.RaftRpcRequestProto.newBuilder().setRequestorId(clientId))
                .build();
    }

    @Test
    void aNodeKeepsItsRulesAcrossARestartButNotIntoAnotherCluster() throws Exception {
        NodeFaults before = new NodeFaults("n1", spec.group().toString(), data);
        before.apply(FaultRule.newBuilder()
                .setId("f1")
                .setDrop(PeerTraffic.newBuilder().addPeers("n2").addPeers("n3"))
                .build());
        before.apply(FaultRule.newBuilder()
                .setId("f2")
                .setDelay(PeerTraffic.newBuilder().addPeers("n3").setDelayMillis(200))
                .build());
        NodeFaults after = new NodeFaults("n1", spec.group().toString(), data);
        assertThat(after.dropping("n2")).isEqualTo("f1");
        assertThat(after.delayFrom("n3")).isEqualTo(200);
        assertThat(after.delayFrom("n2")).isZero();
        after.clear("f1");
        assertThat(new NodeFaults("n1", spec.group().toString(), data).dropping("n2"))
                .isNull();
        assertThat(new NodeFaults("n1", "another-group", data).rules().getRulesList())
                .isEmpty();
    }
}
