package dev.missioncontrol.knowledge;

import dev.missioncontrol.knowledge.corpus.Chunk;
import dev.missioncontrol.knowledge.corpus.Corpus;
import dev.missioncontrol.knowledge.corpus.Handbook;
import dev.missioncontrol.knowledge.corpus.MarkdownChunker;
import dev.missioncontrol.knowledge.index.Glossary;
import dev.missioncontrol.knowledge.index.KnowledgeIndex;
import dev.missioncontrol.knowledge.index.RetrievalMode;
import dev.missioncontrol.knowledge.ingest.DocumentReader;
import dev.missioncontrol.knowledge.ingest.IngestException;
import dev.missioncontrol.knowledge.scope.Scope;
import dev.missioncontrol.models.embed.Embedder;
import dev.missioncontrol.models.generate.Passage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The handbook plus ingested documents, indexed for one embedding model in a data directory:
 *
 * <pre>
 * DATA/documents/&lt;doc&gt;.md      text of every ingested document (kept so the index can be rebuilt)
 * DATA/index/&lt;model&gt;/          the Lucene index for that embedding model
 * </pre>
 *
 * <p>Thread-safe: searches run concurrently; ingestion is serialised.
 */
public final class KnowledgeBase implements AutoCloseable {
    private final Path documents;
    private final MarkdownChunker chunker = new MarkdownChunker();
    private final List<Chunk> handbook;
    private final KnowledgeIndex index;
    private final Map<String, List<Chunk>> ingested = new LinkedHashMap<>();
    /** Rebuilt when documents are ingested and published whole, so asking never waits for an ingestion. */
    private volatile Scope scope;

    private KnowledgeBase(Path dataDir, Embedder embedder) {
        this.documents = dataDir.resolve("documents");
        this.handbook = Handbook.chunks(chunker);
        loadIngested();
        this.index = KnowledgeIndex.open(dataDir.resolve("index").resolve(embedder.modelId()), embedder, corpus());
        this.scope = scopeOf(ingested);
    }

    /** Opens (building if needed) the knowledge base of {@code dataDir} for the given embedder. */
    public static KnowledgeBase open(Path dataDir, Embedder embedder) {
        return new KnowledgeBase(dataDir, embedder);
    }

    private void loadIngested() {
        if (!Files.isDirectory(documents)) {
            return;
        }
        try (Stream<Path> files = Files.list(documents)) {
            for (Path f :
                    files.filter(p -> p.toString().endsWith(".md")).sorted().toList()) {
                String doc = f.getFileName().toString().replaceFirst("\\.md$", "");
                ingested.put(doc, chunker.chunk(doc, Files.readString(f, StandardCharsets.UTF_8)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read ingested documents in " + documents + ": " + e.getMessage(), e);
        }
    }

    private Corpus corpus() {
        List<Chunk> all = new ArrayList<>(handbook);
        ingested.values().forEach(all::addAll);
        return new Corpus(all);
    }

    public KnowledgeIndex index() {
        return index;
    }

    public Embedder embedder() {
        return index.embedder();
    }

    /** The text of every passage that can be retrieved: the handbook's, then each ingested document's. */
    public synchronized List<String> passageTexts() {
        List<String> texts = new ArrayList<>();
        handbook.forEach(c -> texts.add(c.text()));
        ingested.values().forEach(chunks -> chunks.forEach(c -> texts.add(c.text())));
        return texts;
    }

    /** Every chunk that can be retrieved, ordered by id: the same list on every node holding the same knowledge. */
    public synchronized List<Chunk> chunks() {
        List<Chunk> all = new ArrayList<>(handbook);
        ingested.values().forEach(all::addAll);
        all.sort(java.util.Comparator.comparing(Chunk::id));
        return all;
    }

    /** What the knowledge covers (every passage, heading and title), for the refusal decision. */
    public Scope scope() {
        return scope;
    }

    private Scope scopeOf(Map<String, List<Chunk>> documents) {
        List<String> texts = Stream.concat(
                        handbook.stream(), documents.values().stream().flatMap(List::stream))
                .map(c -> c.title() + "\n" + c.section() + "\n" + c.text())
                .toList();
        return Scope.of(texts, Glossary.words());
    }

    /** Best passages for a question. */
    public List<Passage> search(String question, int k, RetrievalMode mode) {
        return index.search(question, index.embedder().embedQuery(question), k, mode);
    }

    /** Best passages for a question whose vector is already known. */
    public List<Passage> search(String question, float[] queryVector, int k, RetrievalMode mode) {
        return index.search(question, queryVector, k, mode);
    }

    /** Result of an ingestion: documents and how many chunks each gave. */
    public record IngestReport(Map<String, Integer> chunksPerDocument) {}

    /**
     * Reads, chunks and indexes the files. All files are read and checked before anything is written, so a bad file
     * leaves the knowledge base unchanged. A document with the same id as an earlier one replaces it.
     *
     * @throws IngestException naming the first bad file
     */
    public synchronized IngestReport ingest(List<Path> files) {
        List<DocumentReader.ReadDocument> docs = new ArrayList<>();
        for (Path f : files) {
            docs.add(DocumentReader.read(f));
        }
        return ingestDocuments(docs);
    }

    /** Ingests documents already read (for example replicated as text through a log). */
    public synchronized IngestReport ingestDocuments(List<DocumentReader.ReadDocument> docs) {
        Set<String> handbookDocs = new LinkedHashSet<>();
        handbook.forEach(c -> handbookDocs.add(c.doc()));
        Map<String, List<Chunk>> fresh = new LinkedHashMap<>();
        for (DocumentReader.ReadDocument d : docs) {
            if (handbookDocs.contains(d.doc())) {
                throw new IngestException(
                        d.source() + ": its id '" + d.doc() + "' is a handbook document; rename" + " the file.");
            }
            List<Chunk> chunks = chunker.chunk(d.doc(), d.markdown());
            if (chunks.isEmpty()) {
                throw new IngestException(d.source() + ": has no text outside headings.");
            }
            fresh.put(d.doc(), chunks);
        }
        Map<String, List<Chunk>> next = new LinkedHashMap<>(ingested);
        next.putAll(fresh);
        List<Chunk> all = new ArrayList<>(handbook);
        next.values().forEach(all::addAll);
        Set<String> ids = new LinkedHashSet<>();
        for (Chunk c : all) {
            if (!ids.add(c.id())) {
                throw new IngestException("Chunk id " + c.id() + " would exist twice; rename the document.");
            }
        }
        List<Path> written = new ArrayList<>();
        try {
            Files.createDirectories(documents);
            for (DocumentReader.ReadDocument d : docs) {
                Path tmp = documents.resolve(d.doc() + ".md.tmp");
                Files.writeString(tmp, d.markdown(), StandardCharsets.UTF_8);
                written.add(tmp);
            }
            List<Chunk> added = new ArrayList<>();
            fresh.values().forEach(added::addAll);
            index.replaceDocuments(fresh.keySet(), added, new Corpus(all));
            for (Path tmp : written) {
                Path target = Path.of(tmp.toString().replaceFirst("\\.tmp$", ""));
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
        } catch (IOException | UncheckedIOException e) {
            for (Path tmp : written) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // Best effort: a leftover .tmp file is never read back.
                }
            }
            throw new IngestException("Ingestion failed and changed nothing: " + e.getMessage(), e);
        }
        ingested.clear();
        ingested.putAll(next);
        scope = scopeOf(next);
        Map<String, Integer> report = new LinkedHashMap<>();
        fresh.forEach((doc, chunks) -> report.put(doc, chunks.size()));
        return new IngestReport(report);
    }

    /** Documents a user ingested, in name order. */
    public Set<String> ingestedDocuments() {
        return Set.copyOf(ingested.keySet());
    }

    @Override
    public void close() {
        index.close();
    }
}
