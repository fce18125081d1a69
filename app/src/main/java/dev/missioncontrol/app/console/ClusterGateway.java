package dev.missioncontrol.app.console;

import dev.missioncontrol.cluster.client.ClusterClient.Submission;
import dev.missioncontrol.cluster.config.ClusterSpec;
import dev.missioncontrol.cluster.proto.NodeStatus;
import dev.missioncontrol.cluster.proto.QueryRecord;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * What the console's view-models need from a cluster. {@link LiveCluster} talks to real nodes; unit tests of the
 * view-models use a fake. No JavaFX here: callbacks arrive on the gateway's own threads.
 */
public interface ClusterGateway extends AutoCloseable {
    ClusterSpec spec();

    /** Submits a question through the log; see {@link Submission}. Throws IllegalArgumentException when empty. */
    Submission submit(String question);

    /** Starts pushing every node's status, and the loss of a node's connection, until {@link #close()}. */
    void watch(StatusListener listener);

    /** The decision history as the cluster has applied it, oldest first. */
    CompletableFuture<List<QueryRecord>> history();

    /** Takes a node out of the Raft group (see {@code ClusterClient.leaveGroup}). Blocks; not on the FX thread. */
    void leaveGroup(String node);

    /** Puts every node back in the group; returns once a returning node has caught up. Blocks; not on the FX thread. */
    void addBack(String node);

    @Override
    void close();

    /** Receives node status on the gateway's threads. */
    interface StatusListener {
        void onStatus(NodeStatus status);

        /** The node's status stream failed; the gateway keeps trying to reconnect. */
        void onLost(String node, String why);
    }
}
