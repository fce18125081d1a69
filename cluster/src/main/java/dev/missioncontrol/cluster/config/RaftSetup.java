package dev.missioncontrol.cluster.config;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.util.TimeDuration;

/** The Raft group of a cluster file and the clients that talk to it, configured once for nodes and tools alike. */
public final class RaftSetup {
    private RaftSetup() {}

    public static RaftGroup group(ClusterSpec spec) {
        List<RaftPeer> peers = spec.nodes().stream()
                .map(n -> RaftPeer.newBuilder()
                        .setId(RaftPeerId.valueOf(n.id()))
                        .setAddress(n.raftAddress())
                        .build())
                .toList();
        return RaftGroup.valueOf(RaftGroupId.valueOf(spec.group()), peers);
    }

    /**
     * A client that gives up after about {@code patience}: the default policy retries forever, which turns a lost
     * quorum into a hang.
     */
    public static RaftClient client(ClusterSpec spec, TimeDuration patience) {
        RaftProperties p = new RaftProperties();
        RaftClientConfigKeys.Rpc.setRequestTimeout(p, TimeDuration.valueOf(1, TimeUnit.SECONDS));
        long sleepMs = 100;
        int attempts = (int) Math.max(1, patience.toLong(TimeUnit.MILLISECONDS) / (sleepMs + 250));
        return RaftClient.newBuilder()
                .setProperties(p)
                .setRaftGroup(group(spec))
                .setRetryPolicy(RetryPolicies.retryUpToMaximumCountWithFixedSleep(
                        attempts, TimeDuration.valueOf(sleepMs, TimeUnit.MILLISECONDS)))
                .build();
    }
}
