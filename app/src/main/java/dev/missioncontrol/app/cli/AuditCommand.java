package dev.missioncontrol.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.missioncontrol.cluster.config.ClusterSpec;
import dev.missioncontrol.cluster.faults.AuditJournal;
import dev.missioncontrol.cluster.supervisor.ClusterFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code audit}: the audit journal of a cluster (every fault, heal and node action, who and when) as JSON Lines. */
@Command(
        name = "audit",
        mixinStandardHelpOptions = true,
        description = "Print or export the audit journal as JSON Lines: every fault injected, confirmed, cleared and"
                + " healed, every node action and refused request, with who did it and when.")
public final class AuditCommand implements Callable<Integer> {
    @Option(names = "--cluster", paramLabel = "FILE", description = "Cluster file (default: the local cluster).")
    Path clusterFile;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Data directory (default: ${DEFAULT-VALUE}).")
    Path dataDir = PipelineOptions.defaultDataDir();

    @Option(names = "--all", description = "Every cluster this data directory has journaled, not only this one.")
    boolean all;

    @Option(names = "--out", paramLabel = "FILE", description = "Write the lines to a file instead of printing them.")
    Path out;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter stdout = spec.commandLine().getOut();
        AuditJournal journal = AuditJournal.in(dataDir);
        UUID group = null;
        if (!all) {
            ClusterFiles files = clusterFile == null ? ClusterFiles.cli(dataDir) : ClusterFiles.of(clusterFile);
            ClusterSpec cluster = files.spec(clusterFile);
            group = cluster.group();
        }
        if (out != null) {
            int n = journal.export(group, out);
            stdout.println("wrote " + n + " events to " + out);
            return 0;
        }
        for (JsonNode e : journal.events(group)) {
            stdout.println(e);
        }
        stdout.flush();
        return 0;
    }
}
