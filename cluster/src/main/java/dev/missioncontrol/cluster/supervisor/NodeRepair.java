package dev.missioncontrol.cluster.supervisor;

import dev.missioncontrol.cluster.config.ClusterSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * Brings back a node whose Raft data is damaged (it refuses to start and says so). Emptying its directory alone is not
 * enough: the leader remembers how far the node's log reached and would never resend it. So the node's directory is set
 * aside (kept for analysis), the node is taken out of the group, started empty, and put back in; putting it back makes
 * the leader copy its whole log or snapshot to the node before the change commits. The other nodes must be a majority
 * without it throughout.
 */
public final class NodeRepair {
    private NodeRepair() {}

    /** Starts a node's process. */
    @FunctionalInterface
    public interface Starter {
        void start() throws IOException;
    }

    /**
     * @param leaveGroup takes a node out of the Raft group (a configuration change through the log)
     * @param addBack puts every node back and returns once the returning node has caught up
     * @return where the damaged directory was moved, or null when the node had none
     */
    public static Path rejoin(
            ClusterFiles files,
            ClusterSpec spec,
            String node,
            Consumer<String> leaveGroup,
            Consumer<String> addBack,
            Starter start)
            throws IOException {
        spec.node(node); // throws for an unknown id before anything is moved
        // Out of the group first: a node that is still a member must never start with its term and vote forgotten.
        leaveGroup.accept(node);
        Path aside = files.setRaftDirAside(spec, node);
        start.start();
        addBack.accept(node);
        return aside;
    }
}
