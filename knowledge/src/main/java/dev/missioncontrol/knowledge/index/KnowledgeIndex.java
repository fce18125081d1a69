package dev.missioncontrol.knowledge.index;

import dev.missioncontrol.knowledge.corpus.Chunk;
import dev.missioncontrol.knowledge.corpus.Corpus;
import dev.missioncontrol.knowledge.rag.Ablation;
import dev.missioncontrol.models.embed.Embedder;
import dev.missioncontrol.models.generate.Passage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.synonym.SynonymGraphFilter;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.analysis.tokenattributes.TypeAttribute;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.BoostQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.store.Lock;
import org.apache.lucene.store.LockObtainFailedException;
import org.apache.lucene.util.IOUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Lucene index of chunks with two views of each: BM25 over the English-analysed text and an HNSW graph of the
 * normalised chunk vectors (dot product = cosine). {@link #search} fuses both rankings by reciprocal rank.
 *
 * <p>The index records a fingerprint of its corpus and embedding model in its commit data; {@link #open} rebuilds it
 * only when that fingerprint changes. Chunks are upserted by id, so replaying an ingestion is harmless.
 *
 * <p>Thread-safe: searches run concurrently; writes are serialised.
 */
public final class KnowledgeIndex implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(KnowledgeIndex.class);
    private static final String ID = "id", DOC = "doc", TITLE = "title", SECTION = "section", TEXT = "text";
    private static final String SEARCH = "search", VECTOR = "vector", VECTOR_BYTES = "vector_bytes";
    private static final String FINGERPRINT = "fingerprint";
    private static final int CANDIDATES = 20;
    private static final int RRF_K = 60;
    private static final int MAX_QUERY_TERMS = 256;
    /** A word the glossary adds to a question counts this much of one the question holds. */
    private static final float GLOSSARY_WEIGHT = 0.5f;

    /** How long a process waits for another one that is building or updating the same index. */
    private static final long WAIT_FOR_WRITER_MILLIS = 10 * 60_000;
    /**
     * Held while the index is built or updated. Writing is rare (a first start, a new model, an ingest) and reading is
     * what every question does, so readers take no lock at all: any number of processes ({@code ask --local}, a node,
     * the evaluation) can answer from one index while at most one writes, and the others see its commit when it ends.
     */
    private static final String WRITING_LOCK = "writing.lock";

    private final Path dir;
    private final Directory directory;
    private final Analyzer analyzer = new EnglishAnalyzer();
    /** Questions are analysed like the text, with the glossary's everyday words added. */
    private final Analyzer questionAnalyzer = Ablation.without(Ablation.GLOSSARY) ? analyzer : Glossary.queryAnalyzer();

    private final SearcherManager searchers;
    private final Embedder embedder;
    private final Map<String, float[]> vectors = new ConcurrentHashMap<>();
    private final long buildMillis;

    private KnowledgeIndex(Path dir, Embedder embedder, Corpus corpus) throws IOException {
        this.dir = dir;
        this.embedder = embedder;
        Files.createDirectories(dir);
        this.directory = FSDirectory.open(dir);
        String fingerprint = corpus.fingerprint(embedder.vectorFingerprint());
        long start = System.nanoTime();
        boolean built = false;
        if (!fingerprint.equals(storedFingerprint(directory, false))) {
            try (Lock writing = awaitWritingLock()) {
                // Another process may have built it while this one waited.
                String existing = storedFingerprint(directory, true);
                if (!fingerprint.equals(existing)) {
                    build(corpus, fingerprint, existing == null);
                    built = true;
                }
            }
        }
        this.buildMillis = built ? (System.nanoTime() - start) / 1_000_000 : 0;
        this.searchers = new SearcherManager(directory, null);
        loadVectors();
    }

    private void build(Corpus corpus, String fingerprint, boolean unreadable) throws IOException {
        if (unreadable) {
            // Missing or unreadable (for example a half-written or corrupted commit): start from an empty directory.
            for (String file : directory.listAll()) {
                if (!file.equals(IndexWriter.WRITE_LOCK_NAME) && !file.equals(WRITING_LOCK)) {
                    directory.deleteFile(file);
                }
            }
        }
        log.info(
                "Building the {} index in {} ({} chunks)",
                embedder.modelId(),
                dir,
                corpus.chunks().size());
        IndexWriterConfig config = new IndexWriterConfig(analyzer).setOpenMode(IndexWriterConfig.OpenMode.CREATE);
        try (IndexWriter writer = new IndexWriter(directory, config)) {
            for (Chunk c : corpus.chunks()) {
                writer.addDocument(document(c, embedder.embedPassage(passageText(c))));
            }
            writer.setLiveCommitData(Map.of(FINGERPRINT, fingerprint).entrySet());
            writer.commit();
        }
    }

    /**
     * Takes the index's writing lock, waiting while another process holds it (it is building or updating this index;
     * a first build takes seconds to a minute).
     *
     * @throws IOException saying who to wait for when the other process takes too long
     */
    private Lock awaitWritingLock() throws IOException {
        long end = System.nanoTime() + WAIT_FOR_WRITER_MILLIS * 1_000_000;
        boolean told = false;
        while (true) {
            try {
                return directory.obtainLock(WRITING_LOCK);
            } catch (LockObtainFailedException e) {
                if (System.nanoTime() > end) {
                    throw new IOException("another process has been writing it for over "
                            + WAIT_FOR_WRITER_MILLIS / 60_000
                            + " minutes (it holds " + dir.resolve(WRITING_LOCK) + "). Let it finish or stop it, then"
                            + " try again; the index is not damaged");
                }
                if (!told) {
                    log.info("Waiting for another process that is writing the {} index in {}", embedder.modelId(), dir);
                    told = true;
                }
                try {
                    Thread.sleep(200);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new java.io.InterruptedIOException("interrupted while waiting to write " + dir);
                }
            }
        }
    }

    /**
     * Opens the index in {@code dir}, building it from {@code corpus} when it is missing, stale or unreadable. Opening
     * an index that is current only reads it.
     *
     * @throws UncheckedIOException naming the directory when it cannot be created, read or written
     */
    public static KnowledgeIndex open(Path dir, Embedder embedder, Corpus corpus) {
        try {
            return new KnowledgeIndex(dir, embedder, corpus);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "Cannot open the knowledge index in " + dir + ": " + e.getMessage()
                            + (e.getMessage() != null && e.getMessage().contains("not damaged")
                                    ? ""
                                    : ". Check its permissions and free disk space; if it is damaged, delete that"
                                            + " directory (when no other Mission Control process is running) to"
                                            + " rebuild it"),
                    e);
        }
    }

    private static String storedFingerprint(Directory directory, boolean warn) {
        try {
            if (!DirectoryReader.indexExists(directory)) {
                return null;
            }
            try (DirectoryReader reader = DirectoryReader.open(directory)) {
                return reader.getIndexCommit().getUserData().get(FINGERPRINT);
            }
        } catch (IOException | RuntimeException e) {
            if (warn) {
                log.warn("Knowledge index in {} is unreadable ({}); rebuilding it", directory, e.getMessage());
            }
            return null;
        }
    }

    /** Milliseconds the last full build took, or 0 when the index was reused. */
    public long buildMillis() {
        return buildMillis;
    }

    /** Number of chunks in the index. */
    public int size() {
        return vectors.size();
    }

    /** The embedder whose vectors this index holds. */
    public Embedder embedder() {
        return embedder;
    }

    /**
     * Replaces every chunk of the given documents with the new ones, and records the new corpus fingerprint. Either
     * all of it is committed or nothing is.
     */
    public synchronized void replaceDocuments(Set<String> docs, List<Chunk> chunks, Corpus newCorpus) {
        try {
            List<Document> documents = new ArrayList<>();
            for (Chunk c : chunks) {
                documents.add(document(c, embedder.embedPassage(passageText(c))));
            }
            try (Lock writing = awaitWritingLock();
                    IndexWriter writer = new IndexWriter(
                            directory,
                            new IndexWriterConfig(analyzer).setOpenMode(IndexWriterConfig.OpenMode.APPEND))) {
                try {
                    for (String doc : docs) {
                        writer.deleteDocuments(new Term(DOC, doc));
                    }
                    for (int i = 0; i < chunks.size(); i++) {
                        writer.updateDocument(new Term(ID, chunks.get(i).id()), documents.get(i));
                    }
                    writer.setLiveCommitData(Map.of(FINGERPRINT, newCorpus.fingerprint(embedder.vectorFingerprint()))
                            .entrySet());
                    writer.commit();
                } catch (IOException | RuntimeException e) {
                    writer.rollback();
                    throw e;
                }
            }
            searchers.maybeRefreshBlocking();
            vectors.clear();
            loadVectors();
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "Updating the knowledge index in " + dir + " failed; it is unchanged: " + e.getMessage(), e);
        }
    }

    /** The text a chunk's vector is computed from: its heading gives the model the context. */
    static String passageText(Chunk c) {
        return c.section() + ". " + c.text();
    }

    private static Document document(Chunk c, float[] vector) {
        Document d = new Document();
        d.add(new StringField(ID, c.id(), Field.Store.YES));
        d.add(new StringField(DOC, c.doc(), Field.Store.YES));
        d.add(new StoredField(TITLE, c.title()));
        d.add(new StoredField(SECTION, c.section()));
        d.add(new StoredField(TEXT, c.text()));
        d.add(new TextField(
                SEARCH, c.title() + "\n" + c.section() + "\n" + c.section() + "\n" + c.text(), Field.Store.NO));
        d.add(new KnnFloatVectorField(VECTOR, vector, VectorSimilarityFunction.DOT_PRODUCT));
        ByteBuffer bytes = ByteBuffer.allocate(vector.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(vector);
        d.add(new StoredField(VECTOR_BYTES, bytes.array()));
        return d;
    }

    private void loadVectors() throws IOException {
        IndexSearcher searcher = searchers.acquire();
        try {
            StoredFields stored = searcher.storedFields();
            var reader = searcher.getIndexReader();
            var live = org.apache.lucene.index.MultiBits.getLiveDocs(reader);
            for (int doc = 0; doc < reader.maxDoc(); doc++) {
                if (live != null && !live.get(doc)) {
                    continue;
                }
                Document d = stored.document(doc, Set.of(ID, VECTOR_BYTES));
                byte[] b = d.getBinaryValue(VECTOR_BYTES).bytes;
                float[] v = new float[b.length / 4];
                ByteBuffer.wrap(b)
                        .order(ByteOrder.LITTLE_ENDIAN)
                        .asFloatBuffer()
                        .get(v);
                vectors.put(d.get(ID), v);
            }
        } finally {
            searchers.release(searcher);
        }
    }

    /**
     * The best {@code k} passages for a question.
     *
     * @param queryVector the question's vector from {@link Embedder#embedQuery}: searched in the HNSW graph (except in
     *     {@link RetrievalMode#BM25}) and compared with every returned passage for its {@link Passage#similarity()}
     */
    public List<Passage> search(String question, float[] queryVector, int k, RetrievalMode mode) {
        try {
            IndexSearcher searcher = searchers.acquire();
            try {
                Map<Integer, Double> fused = new LinkedHashMap<>();
                if (mode != RetrievalMode.BM25) {
                    ScoreDoc[] hits = searcher.search(
                                    new KnnFloatVectorQuery(VECTOR, queryVector, CANDIDATES), CANDIDATES)
                            .scoreDocs;
                    addRanks(fused, hits);
                }
                if (mode != RetrievalMode.VECTOR) {
                    BooleanQuery query = lexicalQuery(question);
                    if (query != null) {
                        addRanks(fused, searcher.search(query, CANDIDATES).scoreDocs);
                    }
                }
                List<Map.Entry<Integer, Double>> ranked = new ArrayList<>(fused.entrySet());
                ranked.sort(Map.Entry.<Integer, Double>comparingByValue(Comparator.reverseOrder())
                        .thenComparing(Map.Entry.comparingByKey()));
                List<Passage> out = new ArrayList<>();
                StoredFields stored = searcher.storedFields();
                for (var e : ranked.subList(0, Math.min(k, ranked.size()))) {
                    Document d = stored.document(e.getKey(), Set.of(ID, DOC, SECTION, TEXT));
                    float[] v = vectors.get(d.get(ID));
                    double sim = v == null ? 0 : Embedder.cosine(queryVector, v);
                    out.add(new Passage(d.get(ID), d.get(DOC), d.get(SECTION), d.get(TEXT), sim, e.getValue()));
                }
                return out;
            } finally {
                searchers.release(searcher);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Searching the knowledge index failed: " + e.getMessage(), e);
        }
    }

    private static void addRanks(Map<Integer, Double> fused, ScoreDoc[] hits) {
        for (int rank = 0; rank < hits.length; rank++) {
            fused.merge(hits[rank].doc, 1.0 / (RRF_K + rank + 1), Double::sum);
        }
    }

    private BooleanQuery lexicalQuery(String question) throws IOException {
        // The question's own words, and at a lower weight the words the glossary adds for them.
        Map<String, Float> terms = new LinkedHashMap<>();
        try (TokenStream ts = questionAnalyzer.tokenStream(SEARCH, question)) {
            CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
            TypeAttribute type = ts.addAttribute(TypeAttribute.class);
            ts.reset();
            while (ts.incrementToken() && terms.size() < MAX_QUERY_TERMS) {
                float weight = SynonymGraphFilter.TYPE_SYNONYM.equals(type.type()) ? GLOSSARY_WEIGHT : 1f;
                terms.merge(term.toString(), weight, Math::max);
            }
            ts.end();
        }
        if (terms.isEmpty()) {
            return null;
        }
        BooleanQuery.Builder b = new BooleanQuery.Builder();
        terms.forEach((t, weight) -> {
            Query q = new TermQuery(new Term(SEARCH, t));
            b.add(weight == 1f ? q : new BoostQuery(q, weight), BooleanClause.Occur.SHOULD);
        });
        return b.build();
    }

    @Override
    public synchronized void close() {
        try {
            IOUtils.close(searchers, directory, questionAnalyzer, analyzer);
        } catch (IOException e) {
            log.warn("Closing the knowledge index failed: {}", e.getMessage());
        }
    }
}
