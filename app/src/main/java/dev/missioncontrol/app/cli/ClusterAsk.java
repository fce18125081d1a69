package dev.missioncontrol.app.cli;

import dev.missioncontrol.app.decision.DecisionFormat;
import dev.missioncontrol.cluster.client.ClusterClient;
import dev.missioncontrol.cluster.config.ClusterSpec;
import dev.missioncontrol.cluster.faults.Actor;
import dev.missioncontrol.cluster.faults.AuditJournal;
import dev.missioncontrol.cluster.faults.FaultRecord;
import dev.missioncontrol.cluster.faults.Tolerance;
import dev.missioncontrol.cluster.proto.Answer;
import dev.missioncontrol.cluster.proto.Decision;
import dev.missioncontrol.cluster.proto.QueryRecord;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** Sends a question through the cluster and prints its decision, status first. */
final class ClusterAsk {
    private ClusterAsk() {}

    /**
     * @param journal the audit journal of the data directory, whose faults in effect say whether more nodes lie than
     *     the vote tolerates (the answer then carries the warning)
     */
    static int run(
            ClusterSpec spec, AuditJournal journal, String question, boolean json, PrintWriter out, PrintWriter err) {
        long start = System.nanoTime();
        QueryRecord r;
        try (ClusterClient client = new ClusterClient(spec)) {
            r = client.track(question, Actor.of("cli").describe())
                    .decided()
                    .get(spec.deadlineMillis() + 30_000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            err.println("error: "
                    + (e.getCause() == null ? e.getMessage() : e.getCause().getMessage()));
            return 1;
        } catch (java.util.concurrent.TimeoutException e) {
            err.println("error: no decision within " + (spec.deadlineMillis() + 30_000) + " ms");
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
        double ms = (System.nanoTime() - start) / 1e6;
        Decision d = r.getDecision();
        Optional<String> warning = Tolerance.byzantineWarning(
                spec,
                journal.faults(spec.group()).stream()
                        .filter(FaultRecord::active)
                        .toList());
        if (json) {
            var o = DecisionFormat.json(r, ms);
            warning.ifPresent(w -> o.put("tolerance_warning", w));
            out.println(o.toString());
        } else {
            print(r, d, ms, warning, out);
        }
        out.flush();
        return exitCode(r);
    }

    /** 0 for a valid decision; 3 when no answer is valid (NO_CONSENSUS); 4 when the followers overruled the leader. */
    static int exitCode(QueryRecord r) {
        if (DecisionFormat.disputed(r)) {
            return 4;
        }
        return DecisionFormat.valid(r.getDecision()) ? 0 : 3;
    }

    private static void print(QueryRecord r, Decision d, double ms, Optional<String> warning, PrintWriter out) {
        if (DecisionFormat.disputed(r)) {
            out.println("!! " + DecisionFormat.verdict(r));
            r.getDisputesList().forEach(x -> out.println("!!   " + x.getNodeId() + ": " + x.getDetail()));
        }
        out.println("== " + DecisionFormat.banner(r) + " ==");
        warning.ifPresent(w -> out.println("!! WARNING: " + w));
        DecisionFormat.minorityDisputes(r).forEach(x -> out.println("!! " + x));
        if (!r.getVerified()) {
            out.println("!! " + DecisionFormat.verdict(r));
        }
        r.getRejectedList().forEach(x -> out.println("!! every node rejected " + x + " (its signature)"));
        Answer winner = r.getAnswersList().stream()
                .filter(a -> a.getNodeId().equals(d.getWinner()))
                .findFirst()
                .orElse(null);
        if (winner != null && DecisionFormat.valid(d)) {
            var a = DecisionFormat.answer(winner.getJson());
            out.println(a.answer());
            a.citations().forEach(c -> out.println("  [" + c.chunk() + "] " + c.doc() + " — " + c.section()));
            out.printf(
                    Locale.ROOT, "winner %s, confidence %.2f, action %s%n", d.getWinner(), a.confidence(), a.action());
        }
        out.println();
        out.println("answers:");
        for (Answer a : r.getAnswersList()) {
            var parsed = DecisionFormat.answer(a.getJson());
            String badge = !a.getFailure().isEmpty()
                    ? "failed, not counted"
                    : d.getAgreeingList().contains(a.getNodeId()) ? "agrees" : "outlier";
            out.printf(
                    Locale.ROOT,
                    "  %s (%s, %s, %.0f ms): %s%n",
                    a.getNodeId(),
                    dev.missioncontrol.cluster.config.GeneratorSpec.label(a.getRetrievalModel(), a.getGenerator()),
                    badge,
                    a.getLatencyMillis(),
                    abbreviate(parsed.answer()));
        }
        out.println("similarity matrix (τ = " + d.getTau() + "):");
        int m = d.getNodesCount();
        out.print("        ");
        d.getNodesList().forEach(n -> out.printf("%7s", n));
        out.println();
        for (int i = 0; i < m; i++) {
            out.printf("  %-5s%s", d.getNodes(i), d.getNodes(i).equals(d.getWinner()) ? "*" : " ");
            for (int j = 0; j < m; j++) {
                out.printf(Locale.ROOT, "%7.3f", d.getMatrix(i * m + j));
            }
            out.println();
        }
        out.printf(
                Locale.ROOT, "query %s decided in %.0f ms (%s)%n", r.getQuery().getId(), ms, d.getReason());
        if (r.getVerified() && !DecisionFormat.disputed(r)) {
            out.println(DecisionFormat.verdict(r));
        }
    }

    private static String abbreviate(String s) {
        String t = s.replace('\n', ' ');
        return t.length() > 110 ? t.substring(0, 110) + "…" : t;
    }
}
