package dev.missioncontrol.app.cli;

import dev.missioncontrol.cluster.client.ClusterClient;
import dev.missioncontrol.cluster.config.ClusterSpec;
import dev.missioncontrol.cluster.faults.Actor;
import dev.missioncontrol.cluster.faults.AuditJournal;
import dev.missioncontrol.cluster.faults.FaultController;
import dev.missioncontrol.cluster.supervisor.ClusterFiles;
import dev.missioncontrol.cluster.supervisor.Supervisor;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What a command needs to act on a cluster: its files, a client (with the cluster's secret when it is readable), the
 * supervisor of its processes when they were started on this machine ({@code cluster up} wrote their pid file), and
 * the fault controller over them, journaling as the CLI. The local cluster by default, or the one of
 * {@code --cluster FILE}.
 */
record ClusterAccess(
        ClusterFiles files, ClusterSpec spec, ClusterClient client, Supervisor supervisor, FaultController controller)
        implements AutoCloseable {

    /**
     * @param clusterFile a cluster file, or null for the local cluster of {@code cluster up}
     * @throws IllegalArgumentException when there is no such cluster (the message says how to start one)
     */
    static ClusterAccess open(Path dataDir, Path clusterFile) {
        ClusterFiles files = clusterFile == null ? ClusterFiles.cli(dataDir) : ClusterFiles.of(clusterFile);
        ClusterSpec spec = files.spec(clusterFile);
        ClusterClient client = new ClusterClient(spec, files.secret());
        Supervisor supervisor = Files.isRegularFile(files.pidFile())
                ? Supervisor.detached(files, spec, dataDir.resolve("models"))
                : null;
        FaultController controller = new FaultController(client, supervisor, AuditJournal.in(dataDir), Actor.of("cli"));
        return new ClusterAccess(files, spec, client, supervisor, controller);
    }

    @Override
    public void close() {
        controller.close();
        client.close();
        if (supervisor != null) {
            supervisor.close(); // detached: the nodes keep running
        }
    }
}
