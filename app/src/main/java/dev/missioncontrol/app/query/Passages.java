package dev.missioncontrol.app.query;

import dev.missioncontrol.knowledge.corpus.Chunk;
import dev.missioncontrol.knowledge.corpus.Handbook;
import dev.missioncontrol.knowledge.corpus.MarkdownChunker;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The handbook's passages by chunk id, so a citation can show the text the node cited. Chunked in the background the
 * first time (the same chunker the nodes use, so ids match). Documents ingested at run time are not in it; a citation of
 * one shows its document and section only.
 */
public final class Passages {
    private final CompletableFuture<Map<String, Chunk>> chunks;

    public Passages() {
        this.chunks = CompletableFuture.supplyAsync(() -> Handbook.chunks(new MarkdownChunker()).stream()
                .collect(Collectors.toMap(Chunk::id, Function.identity(), (a, b) -> a)));
    }

    /** The passage, if the handbook has it and it has been loaded. */
    public Optional<Chunk> find(String chunkId) {
        return Optional.ofNullable(chunks.getNow(Map.of()).get(chunkId));
    }
}
