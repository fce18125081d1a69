package dev.missioncontrol.app.console;

import dev.missioncontrol.cluster.client.ClusterClient.Submission;
import dev.missioncontrol.cluster.config.ClusterSpec;
import dev.missioncontrol.cluster.proto.NodeStatus;
import dev.missioncontrol.cluster.proto.QueryRecord;
import java.util.function.Consumer;

/**
 * What the console's view-models need from a cluster. {@link LiveCluster} talks to real nodes; unit tests of the
 * view-models use a fake. No JavaFX here: callbacks arrive on the gateway's own threads.
 */
public interface ClusterGateway extends AutoCloseable {
    ClusterSpec spec();

    /**
     * Submits a question through the log; see {@link Submission}.
     *
     * @param origin who asks, shown with the decision to everyone who watches
     * @throws IllegalArgumentException for an empty or too long question
     */
    Submission submit(String question, String origin);

    /** Starts pushing every node's status, and the loss of a node's connection, until {@link #close()}. */
    void watch(StatusListener listener);

    /**
     * Starts pushing every decided record the log holds, oldest first, then each change as the cluster makes it (a new
     * decision, a dispute, a late answer), whoever asked, until {@link #close()}. Reconnects to another node by itself.
     */
    void watchRecords(Consumer<QueryRecord> listener);

    @Override
    void close();

    /** Receives node status on the gateway's threads. */
    interface StatusListener {
        void onStatus(NodeStatus status);

        /** The node's status stream failed; the gateway keeps trying to reconnect. */
        void onLost(String node, String why);
    }
}
