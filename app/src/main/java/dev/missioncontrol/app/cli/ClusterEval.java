package dev.missioncontrol.app.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.missioncontrol.app.decision.DecisionFormat;
import dev.missioncontrol.cluster.client.ClusterClient;
import dev.missioncontrol.cluster.proto.Answer;
import dev.missioncontrol.cluster.proto.DecisionStatus;
import dev.missioncontrol.cluster.proto.QueryRecord;
import dev.missioncontrol.knowledge.eval.EvalQuestion;
import dev.missioncontrol.knowledge.eval.EvalSet;
import java.io.PrintWriter;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code eval --cluster}: the evaluation sets asked through a running cluster's log, one question at a time. For each
 * set and half: how the decisions came out (CONSENSUS, DEGRADED, NO CONSENSUS), and the scores of what the operator is
 * shown — the winner's answer when the decision presents one — beside each node's own answer, so a cluster that
 * answers worse than its best node shows it.
 */
final class ClusterEval {
    private ClusterEval() {}

    /** Answers holding every key fact, answerable questions refused, unanswerable ones refused. */
    private static final class Tally {
        int answerable, unanswerable, facts, answerableRefused, unanswerableRefused;

        void add(EvalQuestion q, String text, boolean refused) {
            if (q.answerable()) {
                answerable++;
                answerableRefused += refused ? 1 : 0;
                boolean all = q.factsIn(text);
                facts += !refused && all ? 1 : 0;
            } else {
                unanswerable++;
                unanswerableRefused += refused ? 1 : 0;
            }
        }

        String row() {
            return String.format(
                    Locale.ROOT,
                    "facts %5.3f  ans ref %5.3f  un ref %5.3f",
                    ratio(facts, answerable),
                    ratio(answerableRefused, answerable),
                    ratio(unanswerableRefused, unanswerable));
        }

        void put(ObjectNode o) {
            o.put("key_fact_accuracy", round(ratio(facts, answerable)));
            o.put("answerable_refused", round(ratio(answerableRefused, answerable)));
            o.put("unanswerable_refused", round(ratio(unanswerableRefused, unanswerable)));
        }
    }

    static ObjectNode run(ClusterClient client, Map<String, List<EvalQuestion>> sets, PrintWriter out, ObjectNode o)
            throws Exception {
        out.printf(
                Locale.ROOT,
                "asking through the cluster (%d nodes, q = %d), one question at a time%n",
                client.spec().size(),
                dev.missioncontrol.cluster.vote.Vote.quorum(client.spec().size()));
        for (var set : sets.entrySet()) {
            ObjectNode setNode = o.putObject(set.getKey());
            for (String half : List.of(EvalQuestion.TUNE, EvalQuestion.TEST)) {
                List<EvalQuestion> qs = EvalSet.half(set.getValue(), half);
                Map<DecisionStatus, Integer> statuses = new EnumMap<>(DecisionStatus.class);
                Tally winner = new Tally();
                Map<String, Tally> nodes = new TreeMap<>();
                int undecided = 0;
                for (EvalQuestion q : qs) {
                    QueryRecord r;
                    try {
                        r = client.submit(q.question())
                                .get(client.spec().deadlineMillis() + 60_000, TimeUnit.MILLISECONDS);
                    } catch (ExecutionException | TimeoutException e) {
                        // No decision: the operator is shown no answer, and so is every node's share of it.
                        undecided++;
                        winner.add(q, "", true);
                        client.spec().nodes().forEach(n -> nodes.computeIfAbsent(n.id(), k -> new Tally())
                                .add(q, "", true));
                        out.printf(Locale.ROOT, "    %s: no decision (%s)%n", q.id(), why(e));
                        continue;
                    }
                    var d = r.getDecision();
                    statuses.merge(d.getStatus(), 1, Integer::sum);
                    String winnerText = "";
                    boolean winnerRefused =
                            true; // a decision that presents no answer refuses, as far as the operator sees
                    Set<String> answered = new HashSet<>();
                    for (Answer a : r.getAnswersList()) {
                        var answer = DecisionFormat.answer(a.getJson());
                        answered.add(a.getNodeId());
                        nodes.computeIfAbsent(a.getNodeId(), k -> new Tally())
                                .add(q, answer.answer(), answer.refused());
                        if (DecisionFormat.valid(d) && a.getNodeId().equals(d.getWinner())) {
                            winnerText = answer.answer();
                            winnerRefused = answer.refused();
                        }
                    }
                    // A node that did not answer in time gave the operator nothing: scored as a refusal.
                    client.spec().nodes().stream()
                            .filter(n -> !answered.contains(n.id()))
                            .forEach(n -> nodes.computeIfAbsent(n.id(), k -> new Tally())
                                    .add(q, "", true));
                    winner.add(q, winnerText, winnerRefused);
                }
                out.printf(
                        Locale.ROOT,
                        "%-9s %-5s %3d questions: CONSENSUS %d, DEGRADED %d, NO CONSENSUS %d%n",
                        set.getKey(),
                        half,
                        qs.size(),
                        statuses.getOrDefault(DecisionStatus.CONSENSUS, 0),
                        statuses.getOrDefault(DecisionStatus.DEGRADED, 0),
                        statuses.getOrDefault(DecisionStatus.NO_CONSENSUS, 0));
                if (undecided > 0) {
                    out.printf(Locale.ROOT, "    %d questions got no decision%n", undecided);
                }
                out.printf(Locale.ROOT, "    winner  %s%n", winner.row());
                nodes.forEach((id, t) -> out.printf(Locale.ROOT, "    %-7s %s%n", id, t.row()));
                out.flush();
                ObjectNode h = setNode.putObject(half);
                h.put("questions", qs.size());
                h.put("consensus", statuses.getOrDefault(DecisionStatus.CONSENSUS, 0));
                h.put("degraded", statuses.getOrDefault(DecisionStatus.DEGRADED, 0));
                h.put("no_consensus", statuses.getOrDefault(DecisionStatus.NO_CONSENSUS, 0));
                h.put("undecided", undecided);
                winner.put(h.putObject("winner"));
                ObjectNode perNode = h.putObject("nodes");
                nodes.forEach((id, t) -> t.put(perNode.putObject(id)));
            }
        }
        out.println("facts: answers holding every key fact (the winner's only when the decision presents it); ans ref:"
                + " answerable questions refused or left without a valid decision; un ref: unanswerable questions"
                + " refused or left without one.");
        return o;
    }

    private static String why(Exception e) {
        Throwable t = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        return t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
    }

    private static double ratio(int a, int b) {
        return b == 0 ? 0 : (double) a / b;
    }

    private static double round(double x) {
        return Math.round(x * 10000) / 10000.0;
    }
}
