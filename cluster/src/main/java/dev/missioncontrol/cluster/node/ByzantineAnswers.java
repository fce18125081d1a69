package dev.missioncontrol.cluster.node;

import dev.missioncontrol.cluster.proto.Behaviour;
import dev.missioncontrol.cluster.proto.Query;
import dev.missioncontrol.knowledge.corpus.Chunk;
import dev.missioncontrol.knowledge.index.RetrievalMode;
import dev.missioncontrol.knowledge.rag.RagPipeline;
import dev.missioncontrol.models.embed.Embedder;
import dev.missioncontrol.models.generate.Answer;
import dev.missioncontrol.models.generate.Citation;
import dev.missioncontrol.models.generate.Passage;
import dev.missioncontrol.models.text.Sentences;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The Byzantine behaviours of a node's answer path: what a faulty node logs instead of its honest answer. Each one
 * looks like a real answer in the log (the same JSON, citations included); nothing in the entry says it is faulty.
 *
 * <ul>
 *   <li>{@code hallucinate}: fluent, plausible and wrong — the first sentences of another section of the document the
 *       honest answer cites (of those retrieval found, the one whose meaning is furthest from the honest answer, so
 *       that it is wrong rather than a rewording), its numbers altered, cited as if it answered.
 *   <li>{@code collude}: every node of a group logs the same wrong answer, derived from the question and the group
 *       alone (not from the node's own model or retrieval), so the colluders agree with each other exactly.
 *   <li>{@code garbage}: nonsense words, confidently. {@code silent}: nothing is logged. {@code stale}: the node's
 *       answer to an earlier question. {@code impersonate}: its own answer stays honest, and a hallucination is
 *       proposed under another node's id ({@link #forge}) — signed with its own key, which every node rejects.
 * </ul>
 *
 * <p>Deterministic for a given question, knowledge and group. Used on the node's answer worker only.
 */
final class ByzantineAnswers {
    static final String HALLUCINATE = "hallucinate",
            COLLUDE = "collude",
            GARBAGE = "garbage",
            SILENT = "silent",
            STALE = "stale",
            IMPERSONATE = "impersonate";
    static final List<String> KINDS = List.of(HALLUCINATE, COLLUDE, GARBAGE, SILENT, STALE, IMPERSONATE);

    /** A value: not part of a name (EPS_BATT_V2) or a designation (KESTREL-1, MSI-4). */
    private static final Pattern NUMBER = Pattern.compile("(?<![\\p{L}_])(?<![\\p{L}\\p{N}]-)\\d+(?:[.,]\\d+)*");

    private static final int SENTENCES = 3;
    private static final String[] SYLLABLES = {
        "ka", "zo", "rel", "mi", "tor", "quen", "da", "vish", "lo", "prax", "ne", "sul", "bri", "tam", "ox", "fen"
    };

    /** At most this many other sections are weighed for a hallucination (each costs one voting embedding). */
    private static final int CANDIDATES = 8;

    private final RagPipeline pipeline;
    private final Embedder voter;

    /** @param voter the voting model, to pick the hallucination furthest in meaning from the honest answer */
    ByzantineAnswers(RagPipeline pipeline, Embedder voter) {
        this.pipeline = pipeline;
        this.voter = voter;
    }

    /** What a behaviour logs instead of the honest answer: an answer, or none (silent), and what it did in words. */
    record Produced(Answer answer, String what) {}

    /**
     * @param honest the answer this node's pipeline gave
     * @param previous this node's honest answer to the question before, or null
     */
    Produced produce(Behaviour behaviour, Query query, Answer honest, Answer previous) {
        return switch (behaviour.getKind()) {
            case HALLUCINATE -> hallucinate(query, honest);
            case COLLUDE -> collude(query, behaviour.getGroupList());
            case GARBAGE -> garbage(query);
            case SILENT -> new Produced(null, "withheld its answer (silent)");
            case STALE ->
                previous == null
                        ? new Produced(null, "withheld its answer: no earlier answer to repeat yet (stale)")
                        : new Produced(previous, "repeated its answer to an earlier question (stale)");
            default -> throw new IllegalArgumentException("unknown behaviour " + behaviour.getKind());
        };
    }

    /** The wrong answer an impersonator proposes under another node's id: a hallucination. */
    Answer forge(Query query, Answer honest) {
        return hallucinate(query, honest).answer();
    }

    private Produced hallucinate(Query query, Answer honest) {
        Set<String> cited = honest.citations().stream().map(Citation::chunk).collect(Collectors.toSet());
        List<Passage> found = pipeline.knowledge().search(query.getText(), 20, RetrievalMode.HYBRID);
        String doc = honest.citations().isEmpty()
                ? (found.isEmpty() ? null : found.getFirst().doc())
                : honest.citations().getFirst().doc();
        List<Passage> sameDoc = found.stream()
                .filter(p -> p.doc().equals(doc) && !cited.contains(p.chunk()))
                .limit(CANDIDATES)
                .toList();
        Passage other = null;
        float[] truth = voter.embedSymmetric(honest.answer());
        double furthest = Double.POSITIVE_INFINITY;
        for (Passage p : sameDoc) {
            double s =
                    Embedder.cosine(truth, voter.embedSymmetric(composed(p, 0).answer()));
            if (s < furthest) {
                furthest = s;
                other = p;
            }
        }
        if (other == null) {
            List<Chunk> all = pipeline.knowledge().chunks();
            List<Chunk> ofDoc = all.stream()
                    .filter(c -> c.doc().equals(doc) && !cited.contains(c.id()))
                    .toList();
            List<Chunk> pool = ofDoc.isEmpty() ? all : ofDoc;
            other = passage(pool.get((int) (seed(query.getText()) % pool.size())));
        }
        return new Produced(
                composed(other, Math.max(0.7, honest.confidence())),
                "answered from another section (" + other.chunk() + "), its values altered (hallucinate)");
    }

    private Produced collude(Query query, List<String> group) {
        List<Chunk> chunks = pipeline.knowledge().chunks();
        String key = query.getText() + "|" + String.join(",", new TreeSet<>(group));
        Passage p = passage(chunks.get((int) (seed(key) % chunks.size())));
        return new Produced(
                composed(p, 0.85),
                "gave the wrong answer its group " + String.join(", ", group) + " agreed on (" + p.chunk()
                        + ", collude)");
    }

    private Produced garbage(Query query) {
        SplittableRandom random = new SplittableRandom(seed(query.getText()));
        StringBuilder text = new StringBuilder();
        int words = 24 + random.nextInt(12);
        for (int w = 0; w < words; w++) {
            int syllables = 1 + random.nextInt(3);
            StringBuilder word = new StringBuilder();
            for (int s = 0; s < syllables; s++) {
                word.append(SYLLABLES[random.nextInt(SYLLABLES.length)]);
            }
            text.append(w == 0 ? capitalised(word.toString()) : " " + word);
            if (random.nextInt(9) == 0 || w == words - 1) {
                text.append('.');
            }
        }
        return new Produced(new Answer(text.toString(), List.of(), 0.9, Answer.INFORM), "answered nonsense (garbage)");
    }

    /** The first sentences of a passage with every number altered, cited as the answer's source. */
    private static Answer composed(Passage p, double confidence) {
        List<String> sentences = Sentences.split(p.text()).stream()
                .map(Sentences.Unit::text)
                .limit(SENTENCES)
                .toList();
        String text = altered(String.join(" ", sentences));
        return new Answer(text, List.of(Citation.of(p)), confidence, Answer.INFORM);
    }

    /** Every number moved by about a third (26 → 35, 33.2 → 44.3), keeping its digits after the point. */
    static String altered(String text) {
        Matcher m = NUMBER.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String n = m.group();
            String replacement = n;
            if (!n.contains(",")) {
                int decimals = n.contains(".") ? n.length() - n.indexOf('.') - 1 : 0;
                double v = Double.parseDouble(n);
                double moved = v == 0 ? 5 : v * 4 / 3 + (decimals == 0 ? 1 : 0);
                replacement = decimals == 0
                        ? Long.toString(Math.round(moved))
                        : String.format(Locale.ROOT, "%." + decimals + "f", moved);
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static Passage passage(Chunk c) {
        return new Passage(c.id(), c.doc(), c.section(), c.text(), 0, 0);
    }

    private static String capitalised(String w) {
        return Character.toUpperCase(w.charAt(0)) + w.substring(1);
    }

    /** A non-negative seed from a text (SHA-256), the same in every JVM. */
    private static long seed(String text) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            long v = 0;
            for (int i = 0; i < 8; i++) {
                v = (v << 8) | (h[i] & 0xff);
            }
            return v & Long.MAX_VALUE;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
