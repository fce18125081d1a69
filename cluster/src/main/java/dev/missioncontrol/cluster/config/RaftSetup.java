package dev.missioncontrol.cluster.config;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;

/**
 * The Raft setup of a cluster file, in one place for nodes and tools alike: the group, a node's server properties, and
 * the clients that talk to the group.
 */
public final class RaftSetup {
    /**
     * System properties of a node JVM that size its Raft log: entries between log purges (default 1024) and the size
     * of a log segment file (default 8MB; only whole segments are purged). Small values let a test reach a purge with
     * a few hundred entries.
     */
    public static final String PURGE_GAP = "mc.raft.purge-gap", SEGMENT_SIZE = "mc.raft.segment-size";

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

    /** A node's Raft server properties: its address, storage, failover timing, log purging and snapshots. */
    public static RaftProperties server(ClusterSpec.NodeSpec me, Path raftDir) {
        RaftProperties p = new RaftProperties();
        RaftServerConfigKeys.setStorageDir(p, List.of(raftDir.toFile()));
        GrpcConfigKeys.Server.setHost(p, me.host());
        GrpcConfigKeys.Server.setPort(p, me.raftPort());
        // Failover tuned for a noisy 2-core machine: heartbeat every 150 ms, elections after 300-600 ms.
        RaftServerConfigKeys.Rpc.setTimeoutMin(p, TimeDuration.valueOf(300, TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Rpc.setTimeoutMax(p, TimeDuration.valueOf(600, TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Rpc.setFirstElectionTimeoutMin(p, TimeDuration.valueOf(150, TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Rpc.setFirstElectionTimeoutMax(p, TimeDuration.valueOf(300, TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Rpc.setRequestTimeout(p, TimeDuration.valueOf(1500, TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Rpc.setSlownessTimeout(p, TimeDuration.valueOf(1, TimeUnit.SECONDS));
        RaftServerConfigKeys.LeaderElection.setLeaderStepDownWaitTime(p, TimeDuration.valueOf(2, TimeUnit.SECONDS));
        p.set("raft.server.log.appender.retry.policy", "1ms,10,100ms,100,500ms,100000");
        // Advance the flush index before fsync completes: survives a killed or frozen JVM (the faults this product
        // injects), not a power cut of the whole machine. Without it every commit waits for the disk.
        RaftServerConfigKeys.Log.setUnsafeFlushEnabled(p, true);
        RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(p, true);
        RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(p, 400);
        // The log is purged up to the latest snapshot even while a node is down, so a dead node cannot make the others'
        // logs grow without bound; a node that comes back behind the purged log is sent the leader's snapshot.
        RaftServerConfigKeys.Log.setPurgeUptoSnapshotIndex(p, true);
        RaftServerConfigKeys.Log.setPurgeGap(p, Integer.getInteger(PURGE_GAP, 1024));
        RaftServerConfigKeys.Log.setSegmentSizeMax(p, SizeInBytes.valueOf(System.getProperty(SEGMENT_SIZE, "8MB")));
        return p;
    }

    /**
     * A client that gives up after about {@code patience}: the default policy retries forever, which turns a lost
     * quorum into a hang.
     */
    public static RaftClient client(ClusterSpec spec, TimeDuration patience) {
        return client(spec, patience, ClientId.randomId(), null);
    }

    /** As {@link #client(ClusterSpec, TimeDuration)}, sending first to the given leader (null: the first node). */
    public static RaftClient client(ClusterSpec spec, TimeDuration patience, String leader) {
        return client(spec, patience, ClientId.randomId(), leader);
    }

    /**
     * A node's own client, for the entries it proposes. Its id says which node it belongs to ({@link #nodeOf}), so a
     * partition that cuts a node off also stops what the node proposes through another node's client port; the rest
     * of the id is random, so a replacement client never meets the retry cache of the one it replaces.
     */
    public static RaftClient nodeClient(ClusterSpec spec, String nodeId, TimeDuration patience) {
        return nodeClient(spec, nodeId, patience, null);
    }

    /** As {@link #nodeClient(ClusterSpec, String, TimeDuration)}, sending first to the given leader (null: any). */
    public static RaftClient nodeClient(ClusterSpec spec, String nodeId, TimeDuration patience, String leader) {
        UUID id = new UUID(nodeTag(nodeId), ThreadLocalRandom.current().nextLong());
        return client(spec, patience, ClientId.valueOf(id), leader);
    }

    /** The node whose own client has this client id, or null for any other client (the console, the CLI). */
    public static String nodeOf(ClusterSpec spec, UUID clientId) {
        for (var n : spec.nodes()) {
            if (nodeTag(n.id()) == clientId.getMostSignificantBits()) {
                return n.id();
            }
        }
        return null;
    }

    private static long nodeTag(String nodeId) {
        return UUID.nameUUIDFromBytes(("mission-control node " + nodeId).getBytes(StandardCharsets.UTF_8))
                .getMostSignificantBits();
    }

    /** A client that sends once, to one node, and reports that node's answer as it is (no redirect, no retry). */
    public static RaftClient once(ClusterSpec spec, String nodeId) {
        RaftProperties p = new RaftProperties();
        RaftClientConfigKeys.Rpc.setRequestTimeout(p, TimeDuration.valueOf(3, TimeUnit.SECONDS));
        return RaftClient.newBuilder()
                .setProperties(p)
                .setRaftGroup(group(spec))
                .setLeaderId(RaftPeerId.valueOf(nodeId))
                .setRetryPolicy(RetryPolicies.noRetry())
                .build();
    }

    private static RaftClient client(ClusterSpec spec, TimeDuration patience, ClientId id, String leader) {
        RaftProperties p = new RaftProperties();
        RaftClientConfigKeys.Rpc.setRequestTimeout(p, TimeDuration.valueOf(1, TimeUnit.SECONDS));
        // An ordered client opens with a "dummy" watch request, which waits the watch timeout (10 s by default) when
        // the node it asks is frozen: no watch is used here, so neither is needed.
        RaftClientConfigKeys.Rpc.setWatchRequestTimeout(p, TimeDuration.valueOf(1, TimeUnit.SECONDS));
        RaftClientConfigKeys.Async.Experimental.setSendDummyRequest(p, false);
        long sleepMs = 100;
        int attempts = (int) Math.max(1, patience.toLong(TimeUnit.MILLISECONDS) / (sleepMs + 250));
        RaftClient.Builder b = RaftClient.newBuilder()
                .setClientId(id)
                .setProperties(p)
                .setRaftGroup(group(spec))
                .setRetryPolicy(RetryPolicies.retryUpToMaximumCountWithFixedSleep(
                        attempts, TimeDuration.valueOf(sleepMs, TimeUnit.MILLISECONDS)));
        if (leader != null) {
            b.setLeaderId(RaftPeerId.valueOf(leader));
        }
        return b.build();
    }
}
