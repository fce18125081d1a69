package dev.missioncontrol.app.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.missioncontrol.cluster.client.ClusterClient;
import dev.missioncontrol.cluster.config.ClusterSpec;
import dev.missioncontrol.cluster.faults.Actor;
import dev.missioncontrol.cluster.faults.AuditJournal;
import dev.missioncontrol.cluster.faults.Fault;
import dev.missioncontrol.cluster.faults.FaultController;
import dev.missioncontrol.cluster.faults.FaultRecord;
import dev.missioncontrol.cluster.supervisor.ClusterFiles;
import dev.missioncontrol.cluster.supervisor.Supervisor;
import dev.missioncontrol.knowledge.eval.EvalQuestion;
import dev.missioncontrol.knowledge.eval.EvalSet;
import dev.missioncontrol.models.embed.EmbeddingModel;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * {@code bench faults}: a 3-node loopback cluster (all MiniLM) broken on purpose, through the same fault controller
 * as the console and the CLI. For each fault type, the time from injection to its confirmation in the cluster and from
 * heal to every node back in sync; then the time from cutting the leader off to the next decision. Medians over the
 * trials of one run.
 */
public final class FaultBench {
    private FaultBench() {}

    /** One fault type's trials. */
    private record Kind(String name, Function<List<String>, Fault> fault, String target) {}

    public static ObjectNode run(Path dataDir, int trials, PrintWriter out) throws Exception {
        ObjectNode o = new ObjectMapper().createObjectNode();
        ClusterFiles files = ClusterFiles.cli(dataDir.resolve("bench-faults"));
        ClusterSpec spec = ClusterSpec.loopback(3, List.of(EmbeddingModel.MINILM.id()));
        files.deleteRaftDirs(spec);
        var secret = files.create(spec);
        List<String> questions = EvalSet.load().stream()
                .filter(EvalQuestion::answerable)
                .map(EvalQuestion::question)
                .toList();
        try (Supervisor supervisor = Supervisor.owned(
                        files, spec, dataDir.resolve("models"), List.of(), new Supervisor.Listener() {});
                ClusterClient client = new ClusterClient(spec, java.util.Optional.of(secret));
                FaultController faults =
                        new FaultController(client, supervisor, AuditJournal.in(files.dir()), Actor.of("bench"))) {
            BenchClusters.startReady(supervisor, client, 240_000);
            client.submit(questions.getFirst()).get(60, TimeUnit.SECONDS); // every node has answered once
            out.printf("cluster ready; %d trials per fault type%n", trials);
            out.printf("%-10s %-30s %14s %14s%n", "fault", "target", "confirm p50", "in sync p50");
            out.flush();
            List<Kind> kinds = List.of(
                    new Kind("kill", Fault.Kill::new, "a follower"),
                    new Kind("pause", Fault.Pause::new, "a follower"),
                    new Kind("partition", n -> new Fault.Partition(n, List.of()), "a follower isolated"),
                    new Kind("slow-link", n -> new Fault.SlowLink(n, 200), "a follower, +200 ms"),
                    new Kind("slow-node", n -> new Fault.SlowNode(n, 1_000), "a follower, +1000 ms"));
            for (Kind k : kinds) {
                List<Double> confirm = new ArrayList<>();
                List<Double> sync = new ArrayList<>();
                for (int t = 0; t < trials; t++) {
                    String follower = follower(client);
                    FaultRecord r = faults.inject(k.fault().apply(List.of(follower)));
                    FaultRecord c = faults.confirmation(r.id()).get(5, TimeUnit.MINUTES);
                    if (c.state() != FaultRecord.State.CONFIRMED) {
                        throw new IllegalStateException(k.name() + " trial " + (t + 1) + ": " + c.problem());
                    }
                    confirm.add((double) (c.confirmedAt() - c.injectedAt()));
                    faults.clear(r.id());
                    FaultRecord h = faults.recovery(r.id()).get(5, TimeUnit.MINUTES);
                    if (h.recoveredAt() == 0) {
                        throw new IllegalStateException(k.name() + " trial " + (t + 1) + ": not back in sync");
                    }
                    sync.add((double) (h.recoveredAt() - h.healedAt()));
                }
                double c50 = Percentiles.of(confirm, 0.5);
                double s50 = Percentiles.of(sync, 0.5);
                out.printf(Locale.ROOT, "%-10s %-30s %11.0f ms %11.0f ms%n", k.name(), k.target(), c50, s50);
                out.flush();
                ObjectNode f = o.putObject(k.name());
                f.put("confirm_p50_ms", Math.round(c50));
                f.put("in_sync_p50_ms", Math.round(s50));
                f.put("trials", trials);
            }

            List<Double> nextDecision = new ArrayList<>();
            for (int t = 0; t < trials; t++) {
                String leader = client.leader().orElseThrow(() -> new IllegalStateException("no leader"));
                long start = System.nanoTime();
                FaultRecord r = faults.inject(new Fault.Partition(List.of(leader), List.of()));
                client.submit(questions.get(1 + t % (questions.size() - 1))).get(60, TimeUnit.SECONDS);
                double ms = (System.nanoTime() - start) / 1e6;
                nextDecision.add(ms);
                out.printf(
                        Locale.ROOT, "partition leader %s away %d: next decision after %.0f ms%n", leader, t + 1, ms);
                out.flush();
                faults.confirmation(r.id()).get(2, TimeUnit.MINUTES);
                faults.clear(r.id());
                faults.recovery(r.id()).get(5, TimeUnit.MINUTES);
            }
            double p50 = Percentiles.of(nextDecision, 0.5);
            out.printf(
                    Locale.ROOT,
                    "leader partitioned away → next decision, median of %d: %.0f ms (target ≤ 1500)%n",
                    trials,
                    p50);
            o.put("partition_leader_to_next_decision_p50_ms", Math.round(p50));
            o.put("trials", trials);
        }
        return o;
    }

    private static String follower(ClusterClient client) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < end) {
            var leader = client.leader();
            if (leader.isPresent()) {
                return client.spec().nodes().stream()
                        .map(ClusterSpec.NodeSpec::id)
                        .filter(id -> !id.equals(leader.get()))
                        .reduce((a, b) -> b)
                        .orElseThrow();
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("no leader for 60 s");
    }
}
