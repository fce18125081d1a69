package dev.missioncontrol.app.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.missioncontrol.app.decision.DecisionFormat;
import dev.missioncontrol.cluster.client.ClusterClient;
import dev.missioncontrol.cluster.config.ClusterSpec;
import dev.missioncontrol.cluster.faults.Actor;
import dev.missioncontrol.cluster.faults.AuditJournal;
import dev.missioncontrol.cluster.faults.Fault;
import dev.missioncontrol.cluster.faults.FaultController;
import dev.missioncontrol.cluster.faults.FaultRecord;
import dev.missioncontrol.cluster.node.Signatures;
import dev.missioncontrol.cluster.proto.Answer;
import dev.missioncontrol.cluster.proto.Entry;
import dev.missioncontrol.cluster.proto.QueryRecord;
import dev.missioncontrol.cluster.supervisor.ClusterFiles;
import dev.missioncontrol.cluster.supervisor.Supervisor;
import dev.missioncontrol.knowledge.eval.EvalQuestion;
import dev.missioncontrol.knowledge.eval.EvalSet;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code bench byzantine}: real loopback clusters of 3 and of 4 nodes (the default models, cycled), one of them
 * hallucinating through the fault controller, asked the answerable questions of the evaluation set one at a time. For
 * each size: the share of questions where the hallucination won (the decision presented it), the share resolved to a
 * correct answer (a valid decision whose winner holds every key fact) beside an honest node's own share, and the
 * statuses. Then the cost of signing and of verifying one log entry, on the answers the run logged, the way the nodes
 * do it.
 */
public final class ByzantineBench {
    private ByzantineBench() {}

    public static ObjectNode run(Path dataDir, int limit, PrintWriter out) throws Exception {
        ObjectNode o = new ObjectMapper().createObjectNode();
        List<EvalQuestion> questions =
                EvalSet.load().stream().filter(EvalQuestion::answerable).toList();
        if (limit > 0 && limit < questions.size()) {
            questions = questions.subList(0, limit);
        }
        out.printf(
                Locale.ROOT,
                "%d answerable questions of the handbook set; one hallucinating node (the last), default models%n",
                questions.size());
        List<Answer> logged = new ArrayList<>();
        for (int n : new int[] {3, 4}) {
            o.set("n" + n, cluster(dataDir, n, questions, logged, out));
        }
        o.set("signatures", signatures(logged, out));
        return o;
    }

    private static ObjectNode cluster(
            Path dataDir, int n, List<EvalQuestion> questions, List<Answer> logged, PrintWriter out) throws Exception {
        ClusterFiles files = ClusterFiles.cli(dataDir.resolve("bench-byzantine-" + n));
        ClusterSpec spec = ClusterSpec.loopback(n, ClusterSpec.DIVERSE_MODELS);
        files.deleteRaftDirs(spec);
        var secret = files.create(spec);
        String liar = "n" + n;
        String honest = "n1";
        int wins = 0, correct = 0, honestCorrect = 0, consensus = 0, degraded = 0, none = 0, verified = 0;
        try (Supervisor supervisor = Supervisor.owned(
                        files, spec, dataDir.resolve("models"), List.of(), new Supervisor.Listener() {});
                ClusterClient client = new ClusterClient(spec, java.util.Optional.of(secret));
                FaultController faults =
                        new FaultController(client, supervisor, AuditJournal.in(files.dir()), Actor.of("bench"))) {
            BenchClusters.startReady(supervisor, client, 300_000);
            FaultRecord f = faults.inject(new Fault.Byzantine("hallucinate", List.of(liar)));
            FaultRecord c = faults.confirmation(f.id()).get(3, TimeUnit.MINUTES);
            if (c.state() != FaultRecord.State.CONFIRMED) {
                throw new IllegalStateException("the hallucination was not confirmed: " + c.problem());
            }
            for (EvalQuestion q : questions) {
                QueryRecord r = client.submit(q.question()).get(spec.deadlineMillis() + 60_000, TimeUnit.MILLISECONDS);
                var d = r.getDecision();
                switch (d.getStatus()) {
                    case CONSENSUS -> consensus++;
                    case DEGRADED -> degraded++;
                    default -> none++;
                }
                verified += r.getVerified() ? 1 : 0;
                boolean shown = DecisionFormat.valid(d);
                if (shown && d.getWinner().equals(liar)) {
                    wins++;
                }
                if (shown && holdsFacts(r, d.getWinner(), q)) {
                    correct++;
                }
                if (holdsFacts(r, honest, q)) {
                    honestCorrect++;
                }
                if (logged.size() < 200) {
                    logged.addAll(r.getAnswersList());
                }
            }
            faults.clear(f.id());
        }
        int total = questions.size();
        out.printf(
                Locale.ROOT,
                "n = %d (f = %d, q = %d), %s hallucinating: the hallucination won %d of %d (%.1f %%); resolved to a"
                        + " correct answer %d (%.1f %%), an honest node alone (%s) %d (%.1f %%); CONSENSUS %d,"
                        + " DEGRADED %d, NO CONSENSUS %d; verified by q nodes %d%n",
                n,
                (n - 1) / 3,
                dev.missioncontrol.cluster.vote.Vote.quorum(n),
                liar,
                wins,
                total,
                100.0 * wins / total,
                correct,
                100.0 * correct / total,
                honest,
                honestCorrect,
                100.0 * honestCorrect / total,
                consensus,
                degraded,
                none,
                verified);
        out.flush();
        ObjectNode x = new ObjectMapper().createObjectNode();
        x.put("questions", total);
        x.put("hallucination_wins", wins);
        x.put("hallucination_win_share", round(wins / (double) total));
        x.put("resolved_correct_share", round(correct / (double) total));
        x.put("honest_node_correct_share", round(honestCorrect / (double) total));
        x.put("consensus", consensus);
        x.put("degraded", degraded);
        x.put("no_consensus", none);
        x.put("verified", verified);
        return x;
    }

    private static boolean holdsFacts(QueryRecord r, String node, EvalQuestion q) {
        return r.getAnswersList().stream()
                .filter(a -> a.getNodeId().equals(node))
                .findFirst()
                .map(a -> DecisionFormat.answer(a.getJson()))
                .filter(a -> !a.refused())
                .map(a -> q.factsIn(a.answer()))
                .orElse(false);
    }

    /** Median cost of signing one logged answer and of verifying it as every state machine does (Ed25519, JDK). */
    private static ObjectNode signatures(List<Answer> answers, PrintWriter out) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("Ed25519");
        KeyPair author = g.generateKeyPair();
        Map<String, PublicKey> keys = Map.of(
                "n1", author.getPublic(),
                "n2", g.generateKeyPair().getPublic(),
                "n3", g.generateKeyPair().getPublic());
        List<Entry> entries = answers.stream()
                .map(a -> Entry.newBuilder()
                        .setAnswer(a.toBuilder().setNodeId("n1").clearSignature())
                        .build())
                .toList();
        List<Double> sign = new ArrayList<>();
        List<Double> verify = new ArrayList<>();
        long bytes = 0;
        for (int round = 0; round < 6; round++) { // the first round warms the code up and is not counted
            for (Entry e : entries) {
                long t0 = System.nanoTime();
                Entry signed = Signatures.sign(e, author.getPrivate());
                long t1 = System.nanoTime();
                String why = Signatures.rejection(signed, keys);
                long t2 = System.nanoTime();
                if (why != null) {
                    throw new IllegalStateException("a signed answer was rejected: " + why);
                }
                if (round > 0) {
                    sign.add((t1 - t0) / 1e3);
                    verify.add((t2 - t1) / 1e3);
                    bytes += e.getSerializedSize();
                }
            }
        }
        double s50 = Percentiles.of(sign, 0.5);
        double v50 = Percentiles.of(verify, 0.5);
        out.printf(
                Locale.ROOT,
                "Ed25519 per answer entry (%d logged answers, %d bytes on average, %d timings): sign p50 %.0f µs, p99"
                        + " %.0f µs; verify p50 %.0f µs, p99 %.0f µs (target: under 1 ms)%n",
                entries.size(),
                sign.isEmpty() ? 0 : bytes / sign.size(),
                sign.size(),
                s50,
                Percentiles.of(sign, 0.99),
                v50,
                Percentiles.of(verify, 0.99));
        out.flush();
        ObjectNode x = new ObjectMapper().createObjectNode();
        x.put("entries", entries.size());
        x.put("sign_p50_us", Math.round(s50));
        x.put("sign_p99_us", Math.round(Percentiles.of(sign, 0.99)));
        x.put("verify_p50_us", Math.round(v50));
        x.put("verify_p99_us", Math.round(Percentiles.of(verify, 0.99)));
        return x;
    }

    private static double round(double x) {
        return Math.round(x * 1000) / 1000.0;
    }
}
