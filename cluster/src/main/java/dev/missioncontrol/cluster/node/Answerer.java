package dev.missioncontrol.cluster.node;

import dev.missioncontrol.cluster.proto.Answer;
import dev.missioncontrol.cluster.proto.Entry;
import dev.missioncontrol.cluster.proto.FaultRule;
import dev.missioncontrol.cluster.proto.KnowledgeUpdate;
import dev.missioncontrol.cluster.proto.Query;
import dev.missioncontrol.knowledge.ingest.DocumentReader;
import dev.missioncontrol.knowledge.rag.RagPipeline;
import dev.missioncontrol.models.embed.Embedder;
import dev.missioncontrol.models.generate.SentenceVectors;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's answering duty: for every applied query, its own RAG pipeline answers, the voting model embeds the answer,
 * and the node logs it as its {@code Answer}. Knowledge updates are indexed on the same worker, in log order. While
 * nothing is being answered, verified or indexed, the knowledge's sentences are embedded ahead of the questions.
 *
 * <p>A Byzantine fault ({@link NodeFaults#behaviour}) replaces the honest answer with what {@link ByzantineAnswers}
 * produces (or withholds it), and the node's fault control records that it did; the logged entry looks like any other.
 * A slow-node fault ({@link NodeFaults#answerDelay}) holds the computed answer back before it is logged; the wait is
 * scheduled, so it delays that answer only, not the next query or an ingest. An answer is logged once even when the
 * query was decided meanwhile (the log keeps it as a late answer, so its lateness is on record), and proposed again
 * only while the query is still open.
 *
 * <p>Threads: {@code <id>-answer} (answers and indexing, in log order) and {@code <id>-warm}; owned by the node.
 */
final class Answerer {
    private static final Logger log = LoggerFactory.getLogger(Answerer.class);

    private final String me;
    private final String model;
    /** What writes this node's answers, for people ("grounded", "qwen2.5:0.5b via openai (…)"). */
    private final String generator;

    private final String tag;
    private final RagPipeline pipeline;
    private final Embedder voter;
    private final QueryStateMachine state;
    private final NodeFaults faults;
    private final Proposer proposer;
    private final ExecutorService worker;
    private final ExecutorService warmer;
    private final ScheduledExecutorService later;
    /** Answer, verification and ingest tasks queued or running: the sentence warm-up waits while there are any. */
    private final AtomicInteger busy = new AtomicInteger();
    /** How far the background embedding of the knowledge's sentences has come (in the node's status). */
    private final AtomicReference<SentenceVectors.Progress> sentences =
            new AtomicReference<>(new SentenceVectors.Progress(0, 0));

    private final ByzantineAnswers behaviours;
    /** This node's honest answer to the question before (for a stale behaviour); answer worker only. */
    private dev.missioncontrol.models.generate.Answer previous;

    Answerer(
            String me,
            String model,
            String generator,
            String tag,
            RagPipeline pipeline,
            Embedder voter,
            QueryStateMachine state,
            NodeFaults faults,
            Proposer proposer,
            ExecutorService worker,
            ExecutorService warmer,
            ScheduledExecutorService later) {
        this.me = me;
        this.model = model;
        this.generator = generator;
        this.tag = tag;
        this.pipeline = pipeline;
        this.voter = voter;
        this.state = state;
        this.faults = faults;
        this.proposer = proposer;
        this.worker = worker;
        this.warmer = warmer;
        this.later = later;
        this.behaviours = new ByzantineAnswers(pipeline, voter);
    }

    SentenceVectors.Progress sentences() {
        return sentences.get();
    }

    void onQuery(Query query) {
        work(worker, () -> answer(query));
    }

    void onKnowledge(KnowledgeUpdate update) {
        work(worker, () -> ingest(update));
        warmSentences(); // the new document's sentences
    }

    /** Runs a task on a worker, counted as {@link #busy} from now until it ends. */
    void work(ExecutorService on, Runnable task) {
        busy.incrementAndGet();
        try {
            on.execute(() -> {
                try {
                    task.run();
                } finally {
                    busy.decrementAndGet();
                }
            });
        } catch (RejectedExecutionException e) {
            busy.decrementAndGet(); // stopping
        }
    }

    private void answer(Query query) {
        if (state.isDecided(query.getId()) || state.hasAnswerOf(query.getId(), me)) {
            return; // replaying the log after a restart: this query was answered or decided before
        }
        long start = System.nanoTime();
        dev.missioncontrol.models.generate.Answer answer;
        String failure = "";
        try {
            answer = pipeline.ask(query.getText()).answer();
        } catch (RuntimeException e) {
            log.warn("{} could not answer {}: {}", tag, query.getId(), e.getMessage());
            failure = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            answer = new dev.missioncontrol.models.generate.Answer(
                    "This node could not answer: " + failure,
                    List.of(),
                    0,
                    dev.missioncontrol.models.generate.Answer.REFUSE);
        }
        dev.missioncontrol.models.generate.Answer honest = answer;
        FaultRule byzantine = faults.behaviour();
        if (byzantine != null && byzantine.getBehaviour().getKind().equals(ByzantineAnswers.IMPERSONATE)) {
            // Its own answer is honest; beside it, a wrong one under another node's id, signed with its own key.
            String as = byzantine.getBehaviour().getAsNode();
            var forged = behaviours.forge(query, honest);
            faults.produced(
                    byzantine.getId(),
                    query.getId(),
                    "proposed an answer as " + as + ", signed with its own key (impersonate)");
            logAs(as, query, forged.toJson(), voter.embedSymmetric(forged.answer()), start, "");
        } else if (byzantine != null) {
            ByzantineAnswers.Produced p = behaviours.produce(byzantine.getBehaviour(), query, honest, previous);
            faults.produced(byzantine.getId(), query.getId(), p.what());
            answer = p.answer();
            failure = ""; // a liar's answer claims to be a real one
        }
        previous = honest;
        if (answer == null) {
            return; // silent: alive, never answers
        }
        float[] vector = voter.embedSymmetric(answer.answer());
        String json = answer.toJson();
        String failed = failure;
        int delay = faults.answerDelay();
        if (delay > 0) {
            try {
                later.schedule(() -> log(query, json, vector, start, failed), delay, TimeUnit.MILLISECONDS);
                return;
            } catch (RejectedExecutionException stopping) {
                return;
            }
        }
        log(query, json, vector, start, failed);
    }

    /** Logs the answer, with its latency from the query's arrival here to now (a slow node's wait included). */
    private void log(Query query, String json, float[] vector, long startNanos, String failure) {
        logAs(me, query, json, vector, startNanos, failure);
    }

    /** Logs an answer under a node id: this node's own, or another's when it impersonates (the log rejects that). */
    private void logAs(String nodeId, Query query, String json, float[] vector, long startNanos, String failure) {
        Answer.Builder a = Answer.newBuilder()
                .setQueryId(query.getId())
                .setNodeId(nodeId)
                .setJson(json)
                .setLatencyMillis((System.nanoTime() - startNanos) / 1e6)
                .setRetrievalModel(model)
                .setGenerator(generator)
                .setFailure(failure);
        for (float f : vector) {
            a.addVoteVector(f);
        }
        proposer.propose(
                Entry.newBuilder().setAnswer(a).build(),
                (nodeId.equals(me) ? "answer to " : "answer as " + nodeId + " to ") + query.getId(),
                () -> !state.isDecided(query.getId()) && !state.hasAnswerOf(query.getId(), nodeId));
    }

    private void ingest(KnowledgeUpdate update) {
        try {
            pipeline.knowledge()
                    .ingestDocuments(List.of(new DocumentReader.ReadDocument(
                            update.getDoc(),
                            Path.of(update.getSourceName().isEmpty() ? update.getDoc() : update.getSourceName()),
                            update.getMarkdown())));
            log.info("{} indexed document {}", tag, update.getDoc());
        } catch (RuntimeException e) {
            log.error("{} could not index document {}: {}", tag, update.getDoc(), e.getMessage());
        }
    }

    /**
     * Embeds, in the background and only while no query is being answered or verified, the sentences this node's
     * generator ranks, so that no question pays for embedding a passage seen for the first time. Saved beside the
     * index: a restarted node only loads them.
     */
    void warmSentences() {
        try {
            warmer.execute(() -> {
                try {
                    long t = System.nanoTime();
                    var done = pipeline.warmSentences(() -> busy.get() == 0, sentences::set);
                    sentences.set(done);
                    log.info(
                            "{} holds the vectors of all {} sentences of its knowledge ({} ms)",
                            tag,
                            done.total(),
                            (System.nanoTime() - t) / 1_000_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (RuntimeException e) {
                    log.warn("{} could not embed its knowledge's sentences ahead of time: {}", tag, e.getMessage());
                }
            });
        } catch (RejectedExecutionException e) {
            // Stopping.
        }
    }
}
