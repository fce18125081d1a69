package dev.missioncontrol.cluster.node;

import dev.missioncontrol.cluster.proto.FaultEffect;
import dev.missioncontrol.cluster.proto.FaultRule;
import dev.missioncontrol.cluster.proto.FaultRules;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The faults active inside one node, by fault id: Raft traffic from chosen peers dropped (one side of a partition) or
 * delayed (one side of a slow link), answers delayed (a slow node) or replaced by a Byzantine behaviour's, decisions falsified (a lying leader). Read by the Raft port's interceptor on every
 * message and by the answerer on every answer; set through the fault-control RPC.
 *
 * <p>Kept in the node's data directory, so that a node restarted during a partition is still cut off, as it would be
 * on a real network, and a controller can set the rules of a node that is down before it starts it. Rules of another
 * Raft group (a data directory reused by a new cluster) are ignored.
 *
 * <p>Thread-safe: the rules are an immutable snapshot replaced on every change.
 */
public final class NodeFaults {
    private static final Logger log = LoggerFactory.getLogger(NodeFaults.class);
    /** The file in a node's data directory that holds its fault rules. */
    static final String FILE = "faults.pb";

    /**
     * Writes the fault rules a node that is down will start with (a controller restarting it during a partition, so the
     * restarted node is cut off from its first message on); an empty list removes them.
     */
    public static void save(Path dataDir, String nodeId, String group, List<FaultRule> rules) throws IOException {
        Files.createDirectories(dataDir);
        Path file = dataDir.resolve(FILE);
        if (rules.isEmpty()) {
            Files.deleteIfExists(file);
            return;
        }
        Path tmp = file.resolveSibling(FILE + ".tmp");
        try (OutputStream out = Files.newOutputStream(tmp)) {
            FaultRules.newBuilder()
                    .setNodeId(nodeId)
                    .setGroup(group)
                    .addAllRules(rules)
                    .build()
                    .writeTo(out);
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private final String nodeId;
    private final String group;
    private final Path file;
    private volatile Map<String, FaultRule> rules = Map.of();
    /** The last answers Byzantine behaviours produced, oldest first; kept in memory only. */
    private final java.util.ArrayDeque<FaultEffect> effects = new java.util.ArrayDeque<>();

    private static final int MAX_EFFECTS = 50;

    NodeFaults(String nodeId, String group, Path dataDir) {
        this.nodeId = nodeId;
        this.group = group;
        this.file = dataDir.resolve(FILE);
        load();
    }

    private void load() {
        if (!Files.isRegularFile(file)) {
            return;
        }
        try (InputStream in = Files.newInputStream(file)) {
            FaultRules saved = FaultRules.parseFrom(in);
            if (!saved.getGroup().equals(group)) {
                return; // rules of an earlier cluster in this data directory
            }
            Map<String, FaultRule> loaded = new LinkedHashMap<>();
            saved.getRulesList().forEach(r -> loaded.put(r.getId(), r));
            rules = Map.copyOf(loaded);
            if (!loaded.isEmpty()) {
                log.warn("{} starts with fault rules still active: {}", nodeId, loaded.keySet());
            }
        } catch (IOException e) {
            log.warn("{} ignores its unreadable fault rules in {}: {}", nodeId, file, e.getMessage());
        }
    }

    /** Adds a rule, or replaces the one with its id; returns every rule. */
    synchronized FaultRules apply(FaultRule rule) throws IOException {
        Map<String, FaultRule> next = new LinkedHashMap<>(rules);
        next.put(rule.getId(), rule);
        return replace(next);
    }

    /** Removes the rule with this id (all rules when {@code id} is null); returns the rules left. */
    synchronized FaultRules clear(String id) throws IOException {
        Map<String, FaultRule> next = new LinkedHashMap<>(rules);
        if (id == null) {
            next.clear();
        } else {
            next.remove(id);
        }
        return replace(next);
    }

    private FaultRules replace(Map<String, FaultRule> next) throws IOException {
        FaultRules all = rules(next);
        Path tmp = file.resolveSibling(FILE + ".tmp");
        try (OutputStream out = Files.newOutputStream(tmp)) {
            all.writeTo(out);
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        rules = Map.copyOf(next);
        log.info("{} fault rules now: {}", nodeId, next.isEmpty() ? "none" : describe(next.values()));
        return all;
    }

    FaultRules rules() {
        return rules(rules);
    }

    private FaultRules rules(Map<String, FaultRule> of) {
        return FaultRules.newBuilder()
                .setNodeId(nodeId)
                .setGroup(group)
                .addAllRules(of.values())
                .build();
    }

    /** The fault that cuts this node off from a peer, or null. */
    String dropping(String peer) {
        for (FaultRule r : rules.values()) {
            if (r.hasDrop() && r.getDrop().getPeersList().contains(peer)) {
                return r.getId();
            }
        }
        return null;
    }

    /** Milliseconds that Raft traffic from a peer waits (0: none). */
    int delayFrom(String peer) {
        int ms = 0;
        for (FaultRule r : rules.values()) {
            if (r.hasDelay() && r.getDelay().getPeersList().contains(peer)) {
                ms = Math.max(ms, r.getDelay().getDelayMillis());
            }
        }
        return ms;
    }

    /** The behaviour that makes this node's decisions lie while it leads. */
    static final String LYING_LEADER = "lying-leader";
    /** Every behaviour a rule may ask for: the answer path's, and the lying leader's. */
    static final List<String> BEHAVIOURS = java.util.stream.Stream.concat(
                    ByzantineAnswers.KINDS.stream(), java.util.stream.Stream.of(LYING_LEADER))
            .toList();

    /** The rule whose Byzantine behaviour replaces this node's answers (the newest, when several), or null. */
    FaultRule behaviour() {
        return newestBehaviour(kind -> !kind.equals(LYING_LEADER));
    }

    /** The rule that makes this node publish false decisions while it leads, or null. */
    FaultRule lyingLeader() {
        return newestBehaviour(LYING_LEADER::equals);
    }

    private FaultRule newestBehaviour(java.util.function.Predicate<String> kind) {
        FaultRule found = null;
        for (FaultRule r : rules.values()) {
            if (r.getKindCase() == FaultRule.KindCase.BEHAVIOUR
                    && kind.test(r.getBehaviour().getKind())) {
                found = r;
            }
        }
        return found;
    }

    /** Records what a behaviour did to an answer, for fault control only (never in the log). */
    void produced(String faultId, String queryId, String what) {
        synchronized (effects) {
            effects.addLast(FaultEffect.newBuilder()
                    .setFaultId(faultId)
                    .setQueryId(queryId)
                    .setWhat(what)
                    .setAtMillis(System.currentTimeMillis())
                    .build());
            while (effects.size() > MAX_EFFECTS) {
                effects.removeFirst();
            }
        }
        log.info("{} answered {} by fault {}: {}", nodeId, queryId, faultId, what);
    }

    /** The rules and the last answers their behaviours produced. */
    FaultRules report() {
        synchronized (effects) {
            return rules().toBuilder().addAllEffects(effects).build();
        }
    }

    /** Milliseconds this node's answers wait before they are logged (0: none). */
    int answerDelay() {
        int ms = 0;
        for (FaultRule r : rules.values()) {
            if (r.getKindCase() == FaultRule.KindCase.ANSWER_DELAY_MILLIS) {
                ms = Math.max(ms, r.getAnswerDelayMillis());
            }
        }
        return ms;
    }

    /** "f3 cuts n2, n3; f4 +200 ms from n1": the rules in a few words (a node's log, its tile). */
    public static String describe(Iterable<FaultRule> rules) {
        List<String> out = new ArrayList<>();
        for (FaultRule r : rules) {
            out.add(
                    switch (r.getKindCase()) {
                        case DROP ->
                            r.getId() + " cuts " + String.join(", ", r.getDrop().getPeersList());
                        case DELAY ->
                            r.getId() + " +" + r.getDelay().getDelayMillis() + " ms from "
                                    + String.join(", ", r.getDelay().getPeersList());
                        case ANSWER_DELAY_MILLIS -> r.getId() + " answers +" + r.getAnswerDelayMillis() + " ms";
                        case BEHAVIOUR ->
                            r.getId() + " " + r.getBehaviour().getKind()
                                    + (r.getBehaviour().getGroupCount() > 0
                                            ? " with "
                                                    + String.join(
                                                            ", ",
                                                            r.getBehaviour().getGroupList())
                                            : "");
                        case KIND_NOT_SET -> r.getId() + " (empty)";
                    });
        }
        return String.join("; ", out);
    }
}
