package dev.missioncontrol.cluster.node;

import com.google.protobuf.ByteString;
import dev.missioncontrol.cluster.proto.Entry;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Map;

/**
 * Ed25519 signatures over log entries (the JDK's own). An Answer, Decision, Dispute or Endorsement is signed over its serialised form
 * with the signature field empty, so every node checks the same bytes the author signed.
 */
public final class Signatures {
    static final String ALGORITHM = "Ed25519";

    private Signatures() {}

    /** Whether an entry kind carries a signature. */
    static boolean signed(Entry e) {
        return switch (e.getKindCase()) {
            case ANSWER, DECISION, DISPUTE, ENDORSEMENT -> true;
            default -> false;
        };
    }

    /** The entry signed with {@code key} (entries that carry no signature are returned as they are). */
    public static Entry sign(Entry e, PrivateKey key) {
        return signed(e) ? withSignature(e, ByteString.copyFrom(sign(content(e), key))) : e;
    }

    /** The entry with this signature in its signature field. */
    private static Entry withSignature(Entry e, ByteString sig) {
        return switch (e.getKindCase()) {
            case ANSWER ->
                e.toBuilder()
                        .setAnswer(e.getAnswer().toBuilder().setSignature(sig))
                        .build();
            case DECISION ->
                e.toBuilder()
                        .setDecision(e.getDecision().toBuilder().setSignature(sig))
                        .build();
            case DISPUTE ->
                e.toBuilder()
                        .setDispute(e.getDispute().toBuilder().setSignature(sig))
                        .build();
            case ENDORSEMENT ->
                e.toBuilder()
                        .setEndorsement(e.getEndorsement().toBuilder().setSignature(sig))
                        .build();
            default -> e;
        };
    }

    /** The id the entry claims as its author: the answering node, the deciding leader, the disputing or
     * endorsing node. */
    static String author(Entry e) {
        return switch (e.getKindCase()) {
            case ANSWER -> e.getAnswer().getNodeId();
            case DECISION -> e.getDecision().getLeaderId();
            case DISPUTE -> e.getDispute().getNodeId();
            case ENDORSEMENT -> e.getEndorsement().getNodeId();
            default -> "";
        };
    }

    static ByteString signature(Entry e) {
        return switch (e.getKindCase()) {
            case ANSWER -> e.getAnswer().getSignature();
            case DECISION -> e.getDecision().getSignature();
            case DISPUTE -> e.getDispute().getSignature();
            case ENDORSEMENT -> e.getEndorsement().getSignature();
            default -> ByteString.EMPTY;
        };
    }

    /** What is signed: the entry with its signature left empty. */
    static byte[] content(Entry e) {
        return withSignature(e, ByteString.EMPTY).toByteArray();
    }

    static byte[] sign(byte[] content, PrivateKey key) {
        try {
            Signature s = Signature.getInstance(ALGORITHM);
            s.initSign(key);
            s.update(content);
            return s.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign with Ed25519: " + e.getMessage(), e);
        }
    }

    static boolean verifies(PublicKey key, byte[] content, ByteString signature) {
        if (signature.isEmpty()) {
            return false;
        }
        try {
            Signature s = Signature.getInstance(ALGORITHM);
            s.initVerify(key);
            s.update(content);
            return s.verify(signature.toByteArray());
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    /** A public key from its X.509 encoding, or null when the bytes are not an Ed25519 key. */
    static PublicKey publicKey(ByteString encoded) {
        try {
            return KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(encoded.toByteArray()));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * Why a signed entry must be rejected, or null when its author's registered key verifies it: "an answer from n3
     * signed as n1" (another node's key verifies it), "an answer signed as n1 that no key verifies".
     *
     * @param keys every registered key by node id
     */
    public static String rejection(Entry e, Map<String, PublicKey> keys) {
        String claimed = author(e);
        String what =
                switch (e.getKindCase()) {
                    case ANSWER -> "an answer";
                    case DECISION -> "a decision";
                    case ENDORSEMENT -> "an endorsement";
                    default -> "a dispute";
                };
        ByteString sig = signature(e);
        if (sig.isEmpty()) {
            return "an unsigned " + what.substring(what.indexOf(' ') + 1) + " claiming to be from " + claimed;
        }
        byte[] content = content(e);
        PublicKey key = keys.get(claimed);
        if (key != null && verifies(key, content, sig)) {
            return null;
        }
        for (var k : new java.util.TreeMap<>(keys).entrySet()) {
            if (!k.getKey().equals(claimed) && verifies(k.getValue(), content, sig)) {
                return what + " from " + k.getKey() + " signed as " + claimed;
            }
        }
        return key == null
                ? what + " signed as " + claimed + ", which has no registered key"
                : what + " signed as " + claimed + " that its key does not verify";
    }
}
