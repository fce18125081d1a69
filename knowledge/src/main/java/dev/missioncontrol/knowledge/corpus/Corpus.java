package dev.missioncontrol.knowledge.corpus;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The chunks an index is built from: the handbook plus the documents a user ingested, and a fingerprint that changes
 * whenever any of their text or ids change.
 */
public record Corpus(List<Chunk> chunks) {
    public Corpus {
        chunks = List.copyOf(chunks);
    }

    /** SHA-256 over ids and texts (and the given extra, such as the model id), hex-encoded. */
    public String fingerprint(String extra) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(extra.getBytes(StandardCharsets.UTF_8));
            for (Chunk c : chunks) {
                for (String s : List.of(c.id(), c.doc(), c.title(), c.section(), c.text())) {
                    sha.update(s.getBytes(StandardCharsets.UTF_8));
                    sha.update((byte) 0);
                }
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
