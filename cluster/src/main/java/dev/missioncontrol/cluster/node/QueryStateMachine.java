package dev.missioncontrol.cluster.node;

import dev.missioncontrol.cluster.proto.Answer;
import dev.missioncontrol.cluster.proto.Decision;
import dev.missioncontrol.cluster.proto.Dispute;
import dev.missioncontrol.cluster.proto.Endorsement;
import dev.missioncontrol.cluster.proto.Entry;
import dev.missioncontrol.cluster.proto.KeyRegistration;
import dev.missioncontrol.cluster.proto.KnowledgeUpdate;
import dev.missioncontrol.cluster.proto.Query;
import dev.missioncontrol.cluster.proto.QueryRecord;
import dev.missioncontrol.cluster.proto.Snapshot;
import dev.missioncontrol.knowledge.rag.Questions;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.ratis.io.MD5Hash;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftGroupMemberId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.SnapshotInfo;
import org.apache.ratis.statemachine.StateMachineStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;
import org.apache.ratis.util.LifeCycle;
import org.apache.ratis.util.MD5FileUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replicated state of the cluster: every query, the answers counted for it, its decision and any disputes, plus
 * the knowledge updates, in log order.
 *
 * <ul>
 *   <li>{@link #startTransaction}: rejects an entry that is not a valid {@link Entry} (or a query without an id, or
 *       longer than {@link Questions#MAX_CHARS}) before it reaches the log, and keeps the parsed entry in the
 *       transaction's context so the leader does not parse it again.
 *   <li>{@link #applyTransaction}: applies one entry deterministically — {@code Query} opens a record,
 *       {@code Answer} is counted once per node and only before the decision (one that comes after it is kept as a
 *       late answer, never counted), the first {@code Decision} closes the record, {@code Endorsement} and {@code Dispute} are attached (q(n) endorsing
 *       nodes verify the decision; q(n) followers disputing it with one result overrule it),
 *       {@code KnowledgeUpdate} is kept, {@code NoOp} changes nothing. No clock, no inference, no I/O: work an entry
 *       causes (answering, verifying, indexing, telling watchers) is handed to the {@link Listener}, which runs it
 *       elsewhere.
 *   <li>{@link #takeSnapshot} / {@link #reinitialize}: the whole state as a protobuf {@link Snapshot} file.
 * </ul>
 */
public final class QueryStateMachine extends BaseStateMachine {
    private static final Logger log = LoggerFactory.getLogger(QueryStateMachine.class);

    /** Work caused by applied entries. Called on the apply thread: implementations must only hand work off. */
    public interface Listener {
        void onQuery(Query query, long index);

        void onAnswer(Answer answer);

        void onDecision(QueryRecord record);

        void onKnowledge(KnowledgeUpdate update);

        /** A decided record changed (its decision, a dispute or a late answer was applied). */
        default void onRecordChanged(QueryRecord record) {}

        /** This node learned of a new leader (perhaps itself). Called on a Ratis thread: only hand work off. */
        default void onLeader(String leaderId) {}
    }

    private final SimpleStateMachineStorage storage = new SimpleStateMachineStorage();
    private final Listener listener;
    private final Map<String, QueryRecord.Builder> records = new LinkedHashMap<>();
    private final List<KnowledgeUpdate> knowledge = new ArrayList<>();
    /** Every node's registered public key, in registration order; once there is one, entries must be signed. */
    private final Map<String, KeyRegistration> keys = new LinkedHashMap<>();

    private final Map<String, java.security.PublicKey> publicKeys = new LinkedHashMap<>();
    /** Every entry rejected because its signature does not verify, oldest first. */
    private final List<String> rejections = new ArrayList<>();

    private final Map<String, List<CompletableFuture<QueryRecord>>> waiters = new ConcurrentHashMap<>();
    /** Who waits for a record to be verified or overruled. */
    private final Map<String, List<CompletableFuture<QueryRecord>>> verdictWaiters = new ConcurrentHashMap<>();

    public QueryStateMachine(Listener listener) {
        this.listener = listener;
    }

    @Override
    public void notifyLeaderChanged(RaftGroupMemberId member, RaftPeerId newLeaderId) {
        if (newLeaderId != null) {
            listener.onLeader(newLeaderId.toString());
        }
    }

    @Override
    public StateMachineStorage getStateMachineStorage() {
        return storage;
    }

    @Override
    public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage raftStorage) throws IOException {
        getLifeCycle().startAndTransition(() -> {
            super.initialize(server, groupId, raftStorage);
            storage.init(raftStorage);
            load(storage.getLatestSnapshot());
        });
    }

    @Override
    public void pause() {
        if (getLifeCycle().getCurrentState() == LifeCycle.State.RUNNING) {
            getLifeCycle().transition(LifeCycle.State.PAUSING);
            getLifeCycle().transition(LifeCycle.State.PAUSED);
        }
    }

    @Override
    public void reinitialize() throws IOException {
        synchronized (this) {
            records.clear();
            knowledge.clear();
            keys.clear();
            publicKeys.clear();
            rejections.clear();
        }
        load(storage.loadLatestSnapshot());
        // Ratis reinitializes only after installing a snapshot the leader sent: this node was behind the purged log.
        log.info(
                "Caught up from the leader's snapshot at index {}",
                getLastAppliedTermIndex().getIndex());
        if (getLifeCycle().getCurrentState() == LifeCycle.State.PAUSED) {
            getLifeCycle().transition(LifeCycle.State.STARTING);
            getLifeCycle().transition(LifeCycle.State.RUNNING);
        }
    }

    @Override
    public TransactionContext startTransaction(RaftClientRequest request) throws IOException {
        Entry entry;
        try {
            entry = Entry.parseFrom(request.getMessage().getContent().toByteArray());
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new IOException(
                    "Rejected a malformed log entry from client " + request.getClientId() + ": " + e.getMessage());
        }
        String problem = problem(entry);
        if (problem != null) {
            throw new IOException("Rejected a log entry from client " + request.getClientId() + ": " + problem);
        }
        TransactionContext trx = super.startTransaction(request);
        trx.setStateMachineContext(entry);
        return trx;
    }

    /** Why an entry may not enter the log, or null. */
    static String problem(Entry entry) {
        return switch (entry.getKindCase()) {
            case KIND_NOT_SET -> "it is empty";
            case QUERY -> {
                Query q = entry.getQuery();
                if (q.getId().isBlank()) {
                    yield "the query has no id";
                }
                String text = Questions.problem(q.getText());
                yield text == null ? null : "query " + q.getId() + ": " + text;
            }
            default -> null;
        };
    }

    @Override
    public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
        LogEntryProto entry = trx.getLogEntry();
        Entry e;
        if (trx.getStateMachineContext() instanceof Entry parsed) {
            e = parsed; // the leader parsed it in startTransaction
        } else {
            try {
                e = Entry.parseFrom(entry.getStateMachineLogEntry().getLogData().toByteArray());
            } catch (com.google.protobuf.InvalidProtocolBufferException ex) {
                // startTransaction keeps these out of the log; an old log could still hold one: skip it the same way
                // on every node.
                log.warn("Skipping malformed log entry {}: {}", entry.getIndex(), ex.getMessage());
                updateLastAppliedTermIndex(entry.getTerm(), entry.getIndex());
                return CompletableFuture.completedFuture(Message.EMPTY);
            }
        }
        String result;
        synchronized (this) {
            result = apply(e, entry.getIndex());
            updateLastAppliedTermIndex(entry.getTerm(), entry.getIndex());
        }
        return CompletableFuture.completedFuture(Message.valueOf(result));
    }

    String apply(Entry e, long index) {
        // Once any node has registered its key, an entry that speaks for a node must carry that node's signature.
        if (Signatures.signed(e) && !publicKeys.isEmpty()) {
            String why = Signatures.rejection(e, publicKeys);
            if (why != null) {
                return reject(e, why, index);
            }
        }
        switch (e.getKindCase()) {
            case KEY_REGISTRATION -> {
                KeyRegistration k = e.getKeyRegistration();
                KeyRegistration known = keys.get(k.getNodeId());
                if (known != null) {
                    return known.getPublicKey().equals(k.getPublicKey())
                            ? "key of " + k.getNodeId() + " already registered"
                            : reject(e, "a second key for " + k.getNodeId() + " (its first one stays)", index);
                }
                if (k.getNodeId().isBlank() || Signatures.publicKey(k.getPublicKey()) == null) {
                    return reject(e, "a key registration that holds no Ed25519 key", index);
                }
                register(k);
                return "key of " + k.getNodeId();
            }
            case QUERY -> {
                Query q = e.getQuery();
                if (records.containsKey(q.getId())) {
                    return "duplicate query " + q.getId();
                }
                records.put(q.getId(), QueryRecord.newBuilder().setQuery(q));
                listener.onQuery(q, index);
                return "query " + q.getId();
            }
            case ANSWER -> {
                Answer a = e.getAnswer();
                QueryRecord.Builder r = records.get(a.getQueryId());
                if (r == null) {
                    return "ignored answer of " + a.getNodeId() + " (unknown query)";
                }
                boolean seen =
                        r.getAnswersList().stream().anyMatch(x -> x.getNodeId().equals(a.getNodeId()))
                                || r.getLateAnswersList().stream()
                                        .anyMatch(x -> x.getNodeId().equals(a.getNodeId()));
                if (seen) {
                    return "ignored duplicate answer of " + a.getNodeId();
                }
                if (r.hasDecision()) {
                    r.addLateAnswers(a).setChangedIndex(index);
                    listener.onRecordChanged(r.build());
                    return "late answer of " + a.getNodeId() + " (kept, not counted)";
                }
                r.addAnswers(a).setChangedIndex(index);
                listener.onAnswer(a);
                return "answer of " + a.getNodeId();
            }
            case DECISION -> {
                Decision d = e.getDecision();
                QueryRecord.Builder r = records.get(d.getQueryId());
                if (r == null || r.hasDecision()) {
                    return "ignored decision for " + d.getQueryId();
                }
                r.setDecision(d).setDecidedIndex(index).setChangedIndex(index);
                updateVerified(r); // a cluster of one: the leader is the whole quorum
                complete(waiters, r);
                QueryRecord done = r.build();
                listener.onDecision(done);
                listener.onRecordChanged(done);
                return "decision " + d.getStatus();
            }
            case DISPUTE -> {
                Dispute d = e.getDispute();
                QueryRecord.Builder r = records.get(d.getQueryId());
                if (r == null) {
                    return "ignored dispute";
                }
                if (disputed(r, d.getNodeId())) {
                    return "ignored second dispute by " + d.getNodeId();
                }
                String withdrawn = "";
                if (r.getEndorsedByList().contains(d.getNodeId())) {
                    // Its second look (the answer texts embedded again) found what the logged vectors did not.
                    List<String> rest = new ArrayList<>(r.getEndorsedByList());
                    rest.remove(d.getNodeId());
                    r.clearEndorsedBy().addAllEndorsedBy(rest);
                    withdrawn = " (withdrawing its endorsement)";
                }
                r.addDisputes(d).setChangedIndex(index);
                String overruled = null;
                if (r.hasDecision()) {
                    overruled = overrule(r);
                    updateVerified(r);
                    listener.onRecordChanged(r.build());
                }
                return "dispute by " + d.getNodeId() + withdrawn + (overruled == null ? "" : "; " + overruled);
            }
            case ENDORSEMENT -> {
                Endorsement x = e.getEndorsement();
                QueryRecord.Builder r = records.get(x.getQueryId());
                if (r == null || !r.hasDecision() || r.hasOverruled()) {
                    return "ignored endorsement by " + x.getNodeId();
                }
                if (x.getNodeId().equals(r.getDecision().getLeaderId()) || hasVerdict(r, x.getNodeId())) {
                    return "ignored endorsement by " + x.getNodeId()
                            + " (the leader, or it endorsed or disputed already)";
                }
                r.addEndorsedBy(x.getNodeId()).setChangedIndex(index);
                updateVerified(r);
                listener.onRecordChanged(r.build());
                return "endorsement by " + x.getNodeId();
            }
            case KNOWLEDGE_UPDATE -> {
                knowledge.add(e.getKnowledgeUpdate());
                listener.onKnowledge(e.getKnowledgeUpdate());
                return "knowledge " + e.getKnowledgeUpdate().getDoc();
            }
            case NO_OP -> {
                return "no-op";
            }
            default -> {
                return "ignored empty entry";
            }
        }
    }

    private void register(KeyRegistration k) {
        keys.put(k.getNodeId(), k);
        publicKeys.put(k.getNodeId(), Signatures.publicKey(k.getPublicKey()));
    }

    /**
     * When q(n) followers have disputed the leader's decision with the same recomputed winner and status, their result
     * becomes the record's decision and the leader's is kept as overruled: the operator then sees theirs, marked
     * disputed. Deterministic: the first dispute of the agreeing group gives the matrix.
     *
     * @return what happened, for the apply result, or null
     */
    private static String overrule(QueryRecord.Builder r) {
        if (r.hasOverruled()) {
            return null;
        }
        Decision leader = r.getDecision();
        Map<String, List<Dispute>> groups = new LinkedHashMap<>();
        for (Dispute d : r.getDisputesList()) {
            if (d.hasRecomputed() && !d.getNodeId().equals(leader.getLeaderId())) {
                groups.computeIfAbsent(d.getExpectedWinner() + "|" + d.getExpectedStatus(), k -> new ArrayList<>())
                        .add(d);
            }
        }
        for (List<Dispute> group : groups.values()) {
            if (group.size() >= leader.getQuorum()) {
                List<String> by = group.stream().map(Dispute::getNodeId).toList();
                Decision theirs = group.getFirst().getRecomputed().toBuilder()
                        .setQueryId(leader.getQueryId())
                        .setReason(leader.getReason()) // why the query closed; overruled_by says the rest
                        .setDecidedAfterMillis(leader.getDecidedAfterMillis())
                        .clearSignature()
                        .build();
                r.setOverruled(leader).setDecision(theirs).addAllOverruledBy(by);
                return "decision of " + leader.getLeaderId() + " overruled by " + String.join(", ", by);
            }
        }
        return null;
    }

    /**
     * Sets whether q(n) nodes computed the record's decision — the overruling followers, or the leader with its
     * endorsers — and completes whoever waits for that.
     */
    private void updateVerified(QueryRecord.Builder r) {
        r.setVerified(r.hasOverruled()
                || 1 + r.getEndorsedByCount() >= r.getDecision().getQuorum());
        if (r.getVerified()) {
            complete(verdictWaiters, r);
        }
    }

    private static void complete(Map<String, List<CompletableFuture<QueryRecord>>> waiting, QueryRecord.Builder r) {
        List<CompletableFuture<QueryRecord>> those = waiting.remove(r.getQuery().getId());
        if (those != null) {
            QueryRecord done = r.build();
            those.forEach(f -> f.complete(done));
        }
    }

    private static boolean disputed(QueryRecord.Builder r, String nodeId) {
        return r.getDisputesList().stream().anyMatch(d -> d.getNodeId().equals(nodeId));
    }

    /** Whether a node has endorsed or disputed the record's decision. */
    private static boolean hasVerdict(QueryRecord.Builder r, String nodeId) {
        return r.getEndorsedByList().contains(nodeId) || disputed(r, nodeId);
    }

    /** Records a rejected entry, on the record of its query when it has one; deterministic like the rest. */
    private String reject(Entry e, String why, long index) {
        String line = "rejected " + why;
        rejections.add(line);
        String queryId =
                switch (e.getKindCase()) {
                    case ANSWER -> e.getAnswer().getQueryId();
                    case DECISION -> e.getDecision().getQueryId();
                    case DISPUTE -> e.getDispute().getQueryId();
                    case ENDORSEMENT -> e.getEndorsement().getQueryId();
                    default -> "";
                };
        QueryRecord.Builder r = records.get(queryId);
        if (r != null) {
            r.addRejected(why).setChangedIndex(index);
            if (r.hasDecision()) {
                listener.onRecordChanged(r.build());
            }
        }
        log.warn("Entry {} {}", index, line);
        return line;
    }

    /** Whether a node's public key is registered. */
    public synchronized boolean hasKey(String nodeId) {
        return keys.containsKey(nodeId);
    }

    /** How many entries were rejected, and the last {@code last} of them, oldest first. */
    public synchronized List<String> rejections(int last) {
        return List.copyOf(rejections.subList(Math.max(0, rejections.size() - last), rejections.size()));
    }

    public synchronized int rejectedCount() {
        return rejections.size();
    }

    /** Every record, oldest first (a copy). */
    public synchronized List<QueryRecord> history() {
        return records.values().stream().map(QueryRecord.Builder::build).toList();
    }

    /** Records without a decision yet (a copy). */
    public synchronized List<QueryRecord> open() {
        return records.values().stream()
                .filter(r -> !r.hasDecision())
                .map(QueryRecord.Builder::build)
                .toList();
    }

    public synchronized boolean isDecided(String queryId) {
        QueryRecord.Builder r = records.get(queryId);
        return r != null && r.hasDecision();
    }

    /** Whether this node's answer to a query is in the log (counted or late). */
    public synchronized boolean hasAnswerOf(String queryId, String nodeId) {
        QueryRecord.Builder r = records.get(queryId);
        return r != null
                && (r.getAnswersList().stream().anyMatch(a -> a.getNodeId().equals(nodeId))
                        || r.getLateAnswersList().stream()
                                .anyMatch(a -> a.getNodeId().equals(nodeId)));
    }

    /** Whether a node's endorsement or dispute of a query's decision is in the log. */
    public synchronized boolean hasVerdictOf(String queryId, String nodeId) {
        QueryRecord.Builder r = records.get(queryId);
        return r != null && hasVerdict(r, nodeId);
    }

    /** Whether a node's dispute of a query is in the log. */
    public synchronized boolean hasDisputeOf(String queryId, String nodeId) {
        QueryRecord.Builder r = records.get(queryId);
        return r != null && disputed(r, nodeId);
    }

    /** Decided records whose last change is after a log index, in the order of that change (a copy). */
    public synchronized List<QueryRecord> changedAfter(long index) {
        return records.values().stream()
                .filter(r -> r.hasDecision() && r.getChangedIndex() > index)
                .sorted(java.util.Comparator.comparingLong(QueryRecord.Builder::getChangedIndex))
                .map(QueryRecord.Builder::build)
                .toList();
    }

    public synchronized int decisions() {
        return (int) records.values().stream()
                .filter(QueryRecord.Builder::hasDecision)
                .count();
    }

    /** Completes with the query's record once its decision is applied here (at once if it already is). */
    public CompletableFuture<QueryRecord> awaitDecision(String queryId) {
        return await(waiters, queryId, QueryRecord.Builder::hasDecision);
    }

    /**
     * Completes with the query's record once its decision is verified by q(n) nodes or overruled by them (at once if it
     * is already); never for a record that stays unverified: the caller gives up after its own timeout.
     */
    public CompletableFuture<QueryRecord> awaitVerdict(String queryId) {
        return await(verdictWaiters, queryId, QueryRecord.Builder::getVerified);
    }

    private CompletableFuture<QueryRecord> await(
            Map<String, List<CompletableFuture<QueryRecord>>> waiting,
            String queryId,
            java.util.function.Predicate<QueryRecord.Builder> done) {
        CompletableFuture<QueryRecord> f = new CompletableFuture<>();
        synchronized (this) {
            QueryRecord.Builder r = records.get(queryId);
            if (r != null && done.test(r)) {
                f.complete(r.build());
                return f;
            }
            waiting.computeIfAbsent(queryId, k -> new java.util.concurrent.CopyOnWriteArrayList<>())
                    .add(f);
        }
        return f;
    }

    /** The record of a query as it is now, if this node has it. */
    public synchronized java.util.Optional<QueryRecord> record(String queryId) {
        QueryRecord.Builder r = records.get(queryId);
        return r == null ? java.util.Optional.empty() : java.util.Optional.of(r.build());
    }

    @Override
    public long takeSnapshot() throws IOException {
        Snapshot snapshot;
        TermIndex last;
        synchronized (this) {
            last = getLastAppliedTermIndex();
            snapshot = Snapshot.newBuilder()
                    .addAllRecords(history())
                    .addAllKnowledge(knowledge)
                    .addAllKeys(keys.values())
                    .addAllRejections(rejections)
                    .build();
        }
        if (last == null || last.getIndex() < 0) {
            return -1;
        }
        Path file = storage.getSnapshotFile(last.getTerm(), last.getIndex()).toPath();
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (OutputStream out = Files.newOutputStream(tmp)) {
            snapshot.writeTo(out);
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        MD5Hash md5 = MD5FileUtil.computeAndSaveMd5ForFile(file.toFile());
        storage.updateLatestSnapshot(new SingleFileSnapshotInfo(new FileInfo(file, md5), last));
        log.info(
                "Snapshot at index {} ({} queries, {} documents)",
                last.getIndex(),
                snapshot.getRecordsCount(),
                snapshot.getKnowledgeCount());
        return last.getIndex();
    }

    private void load(SnapshotInfo info) throws IOException {
        if (!(info instanceof SingleFileSnapshotInfo single)) {
            return;
        }
        Path file = single.getFile().getPath();
        MD5Hash expected = single.getFile().getFileDigest();
        if (expected != null) {
            MD5Hash actual = MD5FileUtil.computeMd5ForFile(file.toFile());
            if (!expected.equals(actual)) {
                throw new IOException("Snapshot " + file + " is corrupted (MD5 mismatch)");
            }
        }
        Snapshot snapshot;
        try (InputStream in = Files.newInputStream(file)) {
            snapshot = Snapshot.parseFrom(in);
        }
        synchronized (this) {
            records.clear();
            for (QueryRecord r : snapshot.getRecordsList()) {
                records.put(r.getQuery().getId(), r.toBuilder());
            }
            knowledge.clear();
            knowledge.addAll(snapshot.getKnowledgeList());
            keys.clear();
            publicKeys.clear();
            snapshot.getKeysList().forEach(this::register);
            rejections.clear();
            rejections.addAll(snapshot.getRejectionsList());
            setLastAppliedTermIndex(single.getTermIndex());
        }
        snapshot.getKnowledgeList().forEach(listener::onKnowledge);
        log.info("Loaded snapshot {} ({} queries)", file.getFileName(), snapshot.getRecordsCount());
    }
}
