package dev.missioncontrol.models.generate;

import dev.missioncontrol.models.embed.Embedder;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The passage-side vectors of single sentences, one embedder's worth, kept in memory and on disk.
 *
 * <p>The grounded generator ranks the sentences of the retrieved passages against the question. Embedding a sentence
 * costs about 10 ms (25 ms with a 12-layer model) on one thread, so a question about a passage never seen before costs
 * tens of milliseconds more than one about a known passage. {@link #warm} embeds a whole corpus ahead of time, a little
 * at a time and only while the caller says it is idle; {@link #save} and {@link #load} keep the result next to the
 * index, so it is done once per data directory.
 *
 * <p>The file holds the embedder's {@link Embedder#vectorFingerprint() fingerprint}; a file from another model, or one
 * that cannot be read, is ignored (and later rewritten), never trusted. Thread-safe.
 */
public final class SentenceVectors {
    private static final int MAGIC = 0x4d435356; // "MCSV"
    private static final int VERSION = 1;
    /** Bound on memory for documents ingested without end; the handbook has about 1,300 sentences. */
    private static final int LIMIT = 50_000;

    private final Embedder embedder;
    private final Map<String, float[]> vectors = new ConcurrentHashMap<>();

    public SentenceVectors(Embedder embedder) {
        this.embedder = embedder;
    }

    /** The vector of a sentence, embedded now if it is not known yet. */
    public float[] vector(String sentence) {
        float[] v = vectors.get(sentence);
        if (v == null) {
            v = embedder.embedPassage(sentence);
            if (vectors.size() >= LIMIT) {
                vectors.clear();
            }
            vectors.put(sentence, v);
        }
        return v;
    }

    public boolean contains(String sentence) {
        return vectors.containsKey(sentence);
    }

    public int size() {
        return vectors.size();
    }

    /** How far a {@link #warm} has come. */
    public record Progress(int done, int total) {
        public boolean complete() {
            return done >= total;
        }
    }

    /**
     * Embeds every sentence of {@code sentences} not known yet. Before each one it waits (polling every 25 ms) while
     * {@code idle} is false, and after each one it rests as long as the embedding took, so it takes at most half a
     * core and never competes with the work it prepares for.
     *
     * @param progress told after every sentence
     * @return how many sentences were embedded
     * @throws InterruptedException when the thread is interrupted (the node is stopping)
     */
    public int warm(Collection<String> sentences, BooleanSupplier idle, Consumer<Progress> progress)
            throws InterruptedException {
        int total = sentences.size();
        int done = 0;
        int embedded = 0;
        for (String s : sentences) {
            if (!vectors.containsKey(s)) {
                awaitIdle(idle);
                long t = System.nanoTime();
                vector(s);
                embedded++;
                long took = (System.nanoTime() - t) / 1_000_000;
                Thread.sleep(Math.max(1, took));
            }
            progress.accept(new Progress(++done, total));
        }
        return embedded;
    }

    /** Returns once {@code idle} says so, polling every 25 ms. */
    public static void awaitIdle(BooleanSupplier idle) throws InterruptedException {
        while (!idle.getAsBoolean()) {
            Thread.sleep(25);
        }
    }

    /**
     * Reads vectors saved by {@link #save}. A missing file is not an error.
     *
     * @return how many vectors were read, 0 when the file is missing
     * @throws IOException when the file cannot be read, is damaged, or was written for another model
     */
    public int load(Path file) throws IOException {
        try (InputStream raw = Files.newInputStream(file);
                DataInputStream in = new DataInputStream(new BufferedInputStream(raw, 1 << 16))) {
            if (in.readInt() != MAGIC || in.readInt() != VERSION) {
                throw new IOException(file + " is not a sentence vector file of this version");
            }
            String fingerprint = in.readUTF();
            if (!fingerprint.equals(embedder.vectorFingerprint())) {
                throw new IOException(
                        file + " holds vectors of " + fingerprint + ", not of " + embedder.vectorFingerprint());
            }
            int dim = in.readInt();
            int count = in.readInt();
            if (dim != embedder.dimension() || count < 0 || count > LIMIT) {
                throw new IOException(file + " is damaged (dimension " + dim + ", " + count + " vectors)");
            }
            Map<String, float[]> read = new java.util.HashMap<>(count * 2);
            for (int i = 0; i < count; i++) {
                String s = in.readUTF();
                float[] v = new float[dim];
                for (int j = 0; j < dim; j++) {
                    v[j] = in.readFloat();
                }
                read.put(s, v);
            }
            if (in.read() != -1) {
                throw new IOException(file + " is damaged (data after the last vector)");
            }
            vectors.putAll(read);
            return count;
        } catch (NoSuchFileException e) {
            return 0;
        } catch (java.io.EOFException | java.io.UTFDataFormatException e) {
            throw new IOException(file + " is damaged (" + e.getClass().getSimpleName() + ")", e);
        }
    }

    /** Writes the vectors of {@code keep} that are known (atomically: a crash leaves the old file or the new one). */
    public void save(Path file, Collection<String> keep) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (OutputStream raw = Files.newOutputStream(tmp);
                DataOutputStream out = new DataOutputStream(new BufferedOutputStream(raw, 1 << 16))) {
            var known = keep.stream()
                    .distinct()
                    .filter(s -> vectors.containsKey(s) && s.length() < 20_000)
                    .toList();
            out.writeInt(MAGIC);
            out.writeInt(VERSION);
            out.writeUTF(embedder.vectorFingerprint());
            out.writeInt(embedder.dimension());
            out.writeInt(known.size());
            for (String s : known) {
                out.writeUTF(s);
                for (float f : vectors.get(s)) {
                    out.writeFloat(f);
                }
            }
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
