package dev.missioncontrol.app.bench;

import dev.missioncontrol.cluster.client.ClusterClient;
import dev.missioncontrol.cluster.supervisor.Supervisor;
import java.io.IOException;

/** What every benchmark's cluster does first. */
public final class BenchClusters {
    private BenchClusters() {}

    /**
     * Starts every node and waits until the cluster is ready to answer.
     *
     * @throws IllegalStateException saying why it did not become ready within {@code timeoutMillis}
     */
    public static void startReady(Supervisor supervisor, ClusterClient client, long timeoutMillis) throws IOException {
        supervisor.startAll();
        Supervisor.Readiness ready = supervisor.awaitReady(client, timeoutMillis);
        if (!ready.ready()) {
            throw new IllegalStateException("the bench cluster did not become ready: " + ready.problem());
        }
    }
}
