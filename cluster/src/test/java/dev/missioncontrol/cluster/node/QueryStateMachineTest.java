package dev.missioncontrol.cluster.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.missioncontrol.cluster.proto.Answer;
import dev.missioncontrol.cluster.proto.Decision;
import dev.missioncontrol.cluster.proto.DecisionStatus;
import dev.missioncontrol.cluster.proto.Dispute;
import dev.missioncontrol.cluster.proto.Endorsement;
import dev.missioncontrol.cluster.proto.Entry;
import dev.missioncontrol.cluster.proto.KnowledgeUpdate;
import dev.missioncontrol.cluster.proto.NoOp;
import dev.missioncontrol.cluster.proto.Query;
import dev.missioncontrol.cluster.proto.QueryRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Hand-built entry sequences through the state machine's apply, with the exact history they must leave: an answer
 * counts once per node and only before the decision (after it, it is kept as late, never counted), the first decision
 * wins, a dispute is attached, a no-op changes nothing, and watchers hear of every change to a decided record.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class QueryStateMachineTest {
    private final List<String> queries = new ArrayList<>();
    private final List<QueryRecord> changes = new ArrayList<>();
    private final QueryStateMachine sm = new QueryStateMachine(new QueryStateMachine.Listener() {
        @Override
        public void onQuery(Query query, long index) {
            queries.add(query.getId());
        }

        @Override
        public void onAnswer(Answer answer) {}

        @Override
        public void onDecision(QueryRecord record) {}

        @Override
        public void onKnowledge(KnowledgeUpdate update) {}

        @Override
        public void onRecordChanged(QueryRecord record) {
            changes.add(record);
        }
    });

    private static Entry query(String id) {
        return Entry.newBuilder()
                .setQuery(Query.newBuilder()
                        .setId(id)
                        .setText("What is the bus voltage?")
                        .setDeadlineMillis(10_000))
                .build();
    }

    private static Entry answer(String q, String node) {
        return Entry.newBuilder()
                .setAnswer(Answer.newBuilder().setQueryId(q).setNodeId(node).setJson("{}"))
                .build();
    }

    private static Entry decision(String q, String winner) {
        return Entry.newBuilder()
                .setDecision(
                        Decision.newBuilder().setQueryId(q).setWinner(winner).setStatus(DecisionStatus.DEGRADED))
                .build();
    }

    @Test
    void answersCountOnceAndOnlyBeforeTheFirstDecision() {
        sm.apply(query("q1"), 1);
        sm.apply(query("q1"), 2); // a resent query
        sm.apply(answer("q1", "n1"), 3);
        sm.apply(answer("q1", "n1"), 4); // a retried proposal of the same answer
        sm.apply(answer("q1", "n2"), 5);
        sm.apply(decision("q1", "n2"), 6);
        sm.apply(decision("q1", "n1"), 7); // a second leader's decision: ignored
        sm.apply(answer("q1", "n3"), 8); // a slow node's answer after the decision
        sm.apply(answer("q1", "n3"), 9);
        sm.apply(Entry.newBuilder().setNoOp(NoOp.getDefaultInstance()).build(), 10);
        sm.apply(answer("nope", "n1"), 11);

        assertThat(queries).containsExactly("q1");
        QueryRecord r = sm.history().getFirst();
        assertThat(sm.history()).hasSize(1);
        assertThat(r.getAnswersList()).extracting(Answer::getNodeId).containsExactly("n1", "n2");
        assertThat(r.getLateAnswersList()).extracting(Answer::getNodeId).containsExactly("n3");
        assertThat(r.getDecision().getWinner()).isEqualTo("n2");
        assertThat(r.getDecidedIndex()).isEqualTo(6);
        assertThat(r.getChangedIndex()).isEqualTo(8);
        assertThat(sm.hasAnswerOf("q1", "n3")).isTrue();
        assertThat(changes).extracting(QueryRecord::getChangedIndex).containsExactly(6L, 8L);
    }

    @Test
    void aDisputeIsAttachedAndWatchersSeeItAfterTheDecision() {
        sm.apply(query("q1"), 1);
        sm.apply(answer("q1", "n1"), 2);
        sm.apply(decision("q1", "n1"), 3);
        sm.apply(query("q2"), 4);
        sm.apply(
                Entry.newBuilder()
                        .setDispute(Dispute.newBuilder()
                                .setQueryId("q1")
                                .setNodeId("n2")
                                .setDetail("recomputed winner n2"))
                        .build(),
                5);
        assertThat(sm.hasDisputeOf("q1", "n2")).isTrue();
        assertThat(sm.changedAfter(3)).singleElement().satisfies(r -> {
            assertThat(r.getQuery().getId()).isEqualTo("q1");
            assertThat(r.getDisputesList()).extracting(Dispute::getNodeId).containsExactly("n2");
        });
        assertThat(sm.changedAfter(5)).isEmpty();
        assertThat(sm.open()).extracting(x -> x.getQuery().getId()).containsExactly("q2");
    }

    private static Entry decisionOf4(String q, String leader, String winner, DecisionStatus status) {
        return Entry.newBuilder()
                .setDecision(Decision.newBuilder()
                        .setQueryId(q)
                        .setLeaderId(leader)
                        .setWinner(winner)
                        .setStatus(status)
                        .setClusterSize(4)
                        .setQuorum(3))
                .build();
    }

    private static Entry endorsement(String q, String node) {
        return Entry.newBuilder()
                .setEndorsement(Endorsement.newBuilder().setQueryId(q).setNodeId(node))
                .build();
    }

    private static Entry dispute(String q, String node, String winner) {
        return Entry.newBuilder()
                .setDispute(Dispute.newBuilder()
                        .setQueryId(q)
                        .setNodeId(node)
                        .setExpectedWinner(winner)
                        .setExpectedStatus(DecisionStatus.CONSENSUS)
                        .setDetail("recomputed winner " + winner)
                        .setRecomputed(decisionOf4(q, node, winner, DecisionStatus.CONSENSUS)
                                .getDecision()))
                .build();
    }

    @Test
    void aDecisionIsVerifiedOnceTheLeaderAndItsEndorsersAreQ() {
        sm.apply(query("q1"), 1);
        sm.apply(decisionOf4("q1", "n1", "n2", DecisionStatus.CONSENSUS), 2);
        var verdict = sm.awaitVerdict("q1");
        sm.apply(endorsement("q1", "n1"), 3); // the leader cannot endorse itself
        sm.apply(endorsement("q1", "n2"), 4);
        sm.apply(endorsement("q1", "n2"), 5); // a retried proposal
        assertThat(verdict).isNotDone();
        assertThat(sm.record("q1").orElseThrow().getVerified()).isFalse();
        sm.apply(endorsement("q1", "n3"), 6);
        assertThat(verdict).isCompleted();
        QueryRecord r = verdict.join();
        assertThat(r.getVerified()).isTrue();
        assertThat(r.getEndorsedByList()).containsExactly("n2", "n3");
        assertThat(r.hasOverruled()).isFalse();
    }

    @Test
    void qDisputesWithOneResultOverruleTheLeaderAndFewerDoNot() {
        sm.apply(query("q1"), 1);
        sm.apply(decisionOf4("q1", "n1", "n4", DecisionStatus.CONSENSUS), 2);
        sm.apply(dispute("q1", "n1", "n2"), 3); // the leader disputing itself does not count
        sm.apply(dispute("q1", "n2", "n2"), 4);
        sm.apply(dispute("q1", "n3", "n3"), 5); // another result: not the same group
        assertThat(sm.record("q1").orElseThrow().hasOverruled()).isFalse();
        sm.apply(dispute("q1", "n4", "n2"), 6);
        assertThat(sm.record("q1").orElseThrow().hasOverruled()).isFalse();
        sm.apply(query("q2"), 7);
        sm.apply(decisionOf4("q2", "n1", "n4", DecisionStatus.CONSENSUS), 8);
        sm.apply(endorsement("q2", "n2"), 9);
        sm.apply(endorsement("q2", "n3"), 10);
        assertThat(sm.record("q2").orElseThrow().getVerified()).isTrue();
        // n3's second look (the texts embedded again) disagrees: its endorsement is withdrawn.
        sm.apply(dispute("q2", "n3", "n2"), 11);
        sm.apply(dispute("q2", "n3", "n2"), 12); // a retried proposal
        QueryRecord q2 = sm.record("q2").orElseThrow();
        assertThat(q2.getEndorsedByList()).containsExactly("n2");
        assertThat(q2.getVerified()).isFalse();
        assertThat(q2.getDisputesCount()).isEqualTo(1);
        assertThat(q2.hasOverruled()).isFalse();

        sm.apply(query("q3"), 13);
        sm.apply(decisionOf4("q3", "n1", "n4", DecisionStatus.CONSENSUS), 14);
        var verdict = sm.awaitVerdict("q3");
        for (int i = 2; i <= 4; i++) {
            sm.apply(dispute("q3", "n" + i, "n2"), 13 + i);
        }
        QueryRecord r = verdict.join();
        assertThat(r.getVerified()).isTrue();
        assertThat(r.getOverruled().getWinner()).isEqualTo("n4");
        assertThat(r.getOverruled().getLeaderId()).isEqualTo("n1");
        assertThat(r.getDecision().getWinner()).isEqualTo("n2");
        assertThat(r.getOverruledByList()).containsExactly("n2", "n3", "n4");
        sm.apply(endorsement("q3", "n2"), 18); // too late, and it disputed
        assertThat(sm.record("q3").orElseThrow().getEndorsedByList()).isEmpty();
    }

    @Test
    void aQueryOverTheLimitOrWithoutAnIdIsKeptOutOfTheLog() {
        assertThat(QueryStateMachine.problem(Entry.getDefaultInstance())).isEqualTo("it is empty");
        assertThat(QueryStateMachine.problem(Entry.newBuilder()
                        .setQuery(Query.newBuilder().setText("hello"))
                        .build()))
                .isEqualTo("the query has no id");
        assertThat(QueryStateMachine.problem(Entry.newBuilder()
                        .setQuery(Query.newBuilder().setId("q9").setText("é".repeat(2_001)))
                        .build()))
                .contains("q9")
                .contains("2,001 characters; the limit is 2,000");
        assertThat(QueryStateMachine.problem(query("q1"))).isNull();
    }

    private static java.security.KeyPair keyPair() throws Exception {
        return java.security.KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    }

    private static Entry register(String node, java.security.KeyPair k) {
        return Entry.newBuilder()
                .setKeyRegistration(dev.missioncontrol.cluster.proto.KeyRegistration.newBuilder()
                        .setNodeId(node)
                        .setPublicKey(com.google.protobuf.ByteString.copyFrom(
                                k.getPublic().getEncoded())))
                .build();
    }

    @Test
    void onceKeysAreRegisteredAnEntryMustCarryItsAuthorsSignature() throws Exception {
        var n1 = keyPair();
        var n2 = keyPair();
        var n3 = keyPair();
        sm.apply(register("n1", n1), 1);
        sm.apply(register("n2", n2), 2);
        sm.apply(register("n3", n3), 3);
        sm.apply(query("q1"), 4);
        // n3 speaks for n1 first: rejected by its signature, and n1's own answer still counts.
        assertThat(sm.apply(Signatures.sign(answer("q1", "n1"), n3.getPrivate()), 5))
                .isEqualTo("rejected an answer from n3 signed as n1");
        assertThat(sm.apply(Signatures.sign(answer("q1", "n1"), n1.getPrivate()), 6))
                .isEqualTo("answer of n1");
        assertThat(sm.apply(answer("q1", "n2"), 7)).isEqualTo("rejected an unsigned answer claiming to be from n2");
        Entry tampered = Signatures.sign(answer("q1", "n2"), n2.getPrivate());
        tampered = tampered.toBuilder()
                .setAnswer(tampered.getAnswer().toBuilder().setJson("{\"answer\":\"changed after signing\"}"))
                .build();
        assertThat(sm.apply(tampered, 8)).isEqualTo("rejected an answer signed as n2 that its key does not verify");
        Entry decision = decision("q1", "n1").toBuilder()
                .setDecision(decision("q1", "n1").getDecision().toBuilder().setLeaderId("n2"))
                .build();
        assertThat(sm.apply(Signatures.sign(decision, n2.getPrivate()), 9)).isEqualTo("decision DEGRADED");
        assertThat(sm.apply(register("n1", keyPair()), 10))
                .isEqualTo("rejected a second key for n1 (its first one stays)");

        QueryRecord r = sm.history().getFirst();
        assertThat(r.getAnswersList()).extracting(Answer::getNodeId).containsExactly("n1");
        assertThat(r.getRejectedList())
                .containsExactly(
                        "an answer from n3 signed as n1",
                        "an unsigned answer claiming to be from n2",
                        "an answer signed as n2 that its key does not verify");
        assertThat(sm.rejectedCount()).isEqualTo(4);
        assertThat(sm.hasKey("n3")).isTrue();
        assertThat(sm.hasKey("n4")).isFalse();
    }

    @Test
    void aLogWrittenBeforeAnyKeyWasRegisteredIsReadAsItWas() {
        sm.apply(query("q1"), 1);
        assertThat(sm.apply(answer("q1", "n1"), 2)).isEqualTo("answer of n1");
        assertThat(sm.rejectedCount()).isZero();
    }
}
