package dev.missioncontrol.app.supervisor;

import java.io.IOException;

/**
 * What the console may do to node processes. A supervised local cluster can kill, stop and restart its nodes; an
 * attached cluster runs elsewhere and cannot ({@link #NONE}).
 */
public interface NodeControl extends AutoCloseable {
    /** False for an attached cluster: the console did not start these processes. */
    boolean supervised();

    void kill(String node);

    void stop(String node);

    void restart(String node) throws IOException;

    @Override
    void close();

    /** For a cluster the console attached to: every action says why it cannot be done. */
    NodeControl NONE = new NodeControl() {
        @Override
        public boolean supervised() {
            return false;
        }

        @Override
        public void kill(String node) {
            throw new UnsupportedOperationException(
                    "The console is attached to a cluster it did not start; stop " + node + " where it runs.");
        }

        @Override
        public void stop(String node) {
            kill(node);
        }

        @Override
        public void restart(String node) {
            kill(node);
        }

        @Override
        public void close() {
            // Nothing to release: the nodes belong to whoever started them.
        }
    };
}
