package dev.missioncontrol.app.decision;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.missioncontrol.cluster.proto.Decision;
import dev.missioncontrol.cluster.proto.DecisionStatus;
import dev.missioncontrol.cluster.proto.QueryRecord;
import dev.missioncontrol.models.generate.Answer;
import dev.missioncontrol.styles.Status;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The decision vocabulary, in one place for the console and the CLI: a decision's status on the one status scale (a
 * disputed decision is critical whatever the leader said), the banner an operator reads (with the bound it was
 * measured against), logged answers read safely (a broken node's answer is shown as what it is, never a crash), the
 * {@code ask --json} object, and the history export.
 */
public final class DecisionFormat {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private DecisionFormat() {}

    /**
     * A record's place on the status scale: disputed (the followers overruled the leader) → critical; a dispute that did
     * not overrule at least caution; else by the vote's status. (A decision not yet verified says so in words: it is
     * every decision's state for the few milliseconds before the followers' endorsements are logged.)
     */
    public static Status status(QueryRecord r) {
        if (disputed(r)) {
            return Status.CRITICAL;
        }
        Status s = status(r.getDecision());
        return r.getDisputesCount() > 0 && s == Status.NORMAL ? Status.CAUTION : s;
    }

    /** Whether q(n) followers recomputed the vote and overruled the leader's decision: the record's decision is theirs. */
    public static boolean disputed(QueryRecord r) {
        return r.hasOverruled();
    }

    /**
     * Who vouches for the decision, in words: "DISPUTED — n2, n3, n4 recomputed the vote and overruled the leader n1,
     * which named n4 the winner with CONSENSUS: the result shown is theirs", "verified by n1 (leader), n2, n3", or "not
     * verified: only n1 (leader) computed this decision so far, q = 3 needed".
     */
    public static String verdict(QueryRecord r) {
        Decision d = r.getDecision();
        if (disputed(r)) {
            Decision o = r.getOverruled();
            return "DISPUTED — " + String.join(", ", r.getOverruledByList())
                    + " recomputed the vote from the logged answers and overruled the leader " + o.getLeaderId()
                    + ", which named " + (o.getWinner().isEmpty() ? "no winner" : o.getWinner() + " the winner")
                    + " with "
                    + title(o) + ": the result shown is theirs";
        }
        List<String> by = new java.util.ArrayList<>();
        by.add(d.getLeaderId() + " (leader)");
        by.addAll(r.getEndorsedByList());
        if (r.getVerified()) {
            return "verified by " + String.join(", ", by);
        }
        return "not verified: only " + String.join(", ", by) + " computed this decision so far, q = " + d.getQuorum()
                + " needed";
    }

    /** Disputes that did not overrule the leader, one line each: "n3 disputed: recomputed winner n3, …". */
    public static List<String> minorityDisputes(QueryRecord r) {
        if (disputed(r)) {
            return List.of();
        }
        return r.getDisputesList().stream()
                .map(x -> x.getNodeId() + " disputed: " + x.getDetail())
                .toList();
    }

    /** A decision's place on the status scale: consensus normal, degraded caution, no consensus critical. */
    public static Status status(Decision d) {
        return switch (d.getStatus()) {
            case CONSENSUS -> Status.NORMAL;
            case DEGRADED -> Status.CAUTION;
            default -> Status.CRITICAL;
        };
    }

    /** Whether the decision presents an answer as valid (not when no consensus was reached). */
    public static boolean valid(Decision d) {
        return d.getStatus() == DecisionStatus.CONSENSUS || d.getStatus() == DecisionStatus.DEGRADED;
    }

    /**
     * A logged answer's JSON read for display; an answer that is not the JSON shape (a broken or lying node's) comes back
     * as its raw text, marked unreadable, with no citations and no confidence.
     */
    public static Answer answer(String json) {
        try {
            return Answer.fromJson(json);
        } catch (RuntimeException e) {
            String raw = json.length() > 500 ? json.substring(0, 500) + "…" : json;
            return new Answer("(not a readable answer) " + raw, List.of(), 0, UNREADABLE);
        }
    }

    /** The action of an answer that could not be read. */
    public static final String UNREADABLE = "unreadable";

    /** "CONSENSUS — 3 of 3 agree, q = 2", "DEGRADED — 2 of 3 answered; …", "NO CONSENSUS — …; no answer is valid". */
    public static String banner(Decision d) {
        return title(d) + " — " + detail(d);
    }

    /** A record's banner: the decision's, after "DISPUTED — " when the followers overruled the leader. */
    public static String banner(QueryRecord r) {
        return (disputed(r) ? "DISPUTED — " : "") + banner(r.getDecision());
    }

    /** The status in words: CONSENSUS, DEGRADED or NO CONSENSUS. */
    public static String title(Decision d) {
        return switch (d.getStatus()) {
            case CONSENSUS -> "CONSENSUS";
            case DEGRADED -> "DEGRADED";
            case NO_CONSENSUS -> "NO CONSENSUS";
            default -> "UNKNOWN STATUS";
        };
    }

    /** The counts behind the status, with the quorum they were held against. */
    public static String detail(Decision d) {
        int answered = d.getNodesCount();
        String counts = d.getAgreeingCount() + " of " + d.getClusterSize() + " agree, q = " + d.getQuorum();
        return switch (d.getStatus()) {
            case CONSENSUS -> counts;
            case DEGRADED -> answered + " of " + d.getClusterSize() + " answered; " + counts;
            default -> counts + "; no answer is valid";
        };
    }

    /** One decision as a JSON object: status, winner, answers (one per node), matrix, and more. */
    public static ObjectNode json(QueryRecord r, double elapsedMillis) {
        Decision d = r.getDecision();
        ObjectNode o = JSON.createObjectNode();
        o.put("query_id", r.getQuery().getId());
        o.put("question", r.getQuery().getText());
        o.put("asked_by", r.getQuery().getOrigin());
        o.put("submitted_at_millis", r.getQuery().getSubmittedAtMillis());
        o.put("status", d.getStatus().name());
        o.put("summary", banner(d));
        o.put("winner", d.getWinner());
        o.put("cluster_size", d.getClusterSize());
        o.put("quorum", d.getQuorum());
        o.put("tau", d.getTau());
        ArrayNode agreeing = o.putArray("agreeing");
        d.getAgreeingList().forEach(agreeing::add);
        ArrayNode answers = o.putArray("answers");
        for (dev.missioncontrol.cluster.proto.Answer a : r.getAnswersList()) {
            ObjectNode x = answers.addObject();
            x.put("node", a.getNodeId());
            x.put("retrieval_model", a.getRetrievalModel());
            x.put("generator", a.getGenerator());
            if (!a.getFailure().isEmpty()) {
                x.put("failure", a.getFailure());
            }
            x.put("latency_ms", Math.round(a.getLatencyMillis() * 10) / 10.0);
            try {
                x.set("answer", JSON.readTree(a.getJson()));
            } catch (IOException e) {
                x.put("answer", a.getJson());
            }
        }
        ArrayNode nodes = o.putArray("matrix_nodes");
        d.getNodesList().forEach(nodes::add);
        ArrayNode matrix = o.putArray("matrix");
        int m = d.getNodesCount();
        for (int i = 0; i < m; i++) {
            ArrayNode row = matrix.addArray();
            for (int j = 0; j < m; j++) {
                row.add(Math.round(d.getMatrix(i * m + j) * 10000) / 10000.0);
            }
        }
        ArrayNode late = o.putArray("late_answers");
        for (dev.missioncontrol.cluster.proto.Answer a : r.getLateAnswersList()) {
            late.addObject().put("node", a.getNodeId()).put("latency_ms", Math.round(a.getLatencyMillis() * 10) / 10.0);
        }
        o.put("disputed", disputed(r));
        ArrayNode disputes = o.putArray("disputes");
        r.getDisputesList().forEach(x -> disputes.addObject()
                .put("node", x.getNodeId())
                .put("detail", x.getDetail())
                .put("expected_winner", x.getExpectedWinner())
                .put("expected_status", x.getExpectedStatus().name()));
        if (disputed(r)) {
            Decision od = r.getOverruled();
            ObjectNode overruled = o.putObject("overruled");
            overruled.put("leader", od.getLeaderId());
            overruled.put("winner", od.getWinner());
            overruled.put("status", od.getStatus().name());
            ArrayNode by = o.putArray("overruled_by");
            r.getOverruledByList().forEach(by::add);
        }
        o.put("verified", r.getVerified());
        ArrayNode endorsed = o.putArray("endorsed_by");
        r.getEndorsedByList().forEach(endorsed::add);
        o.put("leader", disputed(r) ? r.getOverruled().getLeaderId() : d.getLeaderId()); // who led, even if overruled
        o.put("verdict", verdict(r));
        ArrayNode rejected = o.putArray("rejected");
        r.getRejectedList().forEach(rejected::add);
        o.put("reason", d.getReason());
        o.put("decided_after_ms", d.getDecidedAfterMillis());
        if (elapsedMillis >= 0) {
            o.put("elapsed_ms", Math.round(elapsedMillis));
        }
        return o;
    }

    /**
     * Writes decisions to a file: a JSON array for {@code .json}, one row per decision for {@code .csv}.
     *
     * @throws IllegalArgumentException for any other extension
     */
    public static void export(List<QueryRecord> records, Path file) throws IOException {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".json")) {
            ArrayNode all = JSON.createArrayNode();
            records.forEach(r -> all.add(json(r, -1)));
            Files.writeString(file, JSON.writeValueAsString(all) + "\n");
        } else if (name.endsWith(".csv")) {
            StringBuilder sb = new StringBuilder(
                    "query_id,submitted_at_millis,question,status,winner,answered,agreeing,cluster_size,quorum,tau,"
                            + "decided_after_ms,disputes,winner_answer\n");
            for (QueryRecord r : records) {
                Decision d = r.getDecision();
                String winnerText = r.getAnswersList().stream()
                        .filter(a -> a.getNodeId().equals(d.getWinner()))
                        .map(a -> answer(a.getJson()).answer())
                        .findFirst()
                        .orElse("");
                sb.append(String.join(
                                ",",
                                csv(r.getQuery().getId()),
                                Long.toString(r.getQuery().getSubmittedAtMillis()),
                                csv(r.getQuery().getText()),
                                d.getStatus().name(),
                                d.getWinner(),
                                Integer.toString(d.getNodesCount()),
                                csv(String.join(" ", d.getAgreeingList())),
                                Integer.toString(d.getClusterSize()),
                                Integer.toString(d.getQuorum()),
                                String.format(Locale.ROOT, "%.2f", d.getTau()),
                                Long.toString(d.getDecidedAfterMillis()),
                                Integer.toString(r.getDisputesCount()),
                                csv(valid(d) ? winnerText : "")))
                        .append('\n');
            }
            Files.writeString(file, sb);
        } else {
            throw new IllegalArgumentException(
                    "Export to " + file.getFileName() + " is not possible: name the file .json or .csv.");
        }
    }

    private static String csv(String s) {
        if (s.contains(",") || s.contains("\"") || s.contains("\n")) {
            return "\"" + s.replace("\"", "\"\"") + "\"";
        }
        return s;
    }
}
