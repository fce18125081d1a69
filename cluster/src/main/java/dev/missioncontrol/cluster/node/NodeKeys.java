package dev.missioncontrol.cluster.node;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;

/**
 * A node's own Ed25519 key pair, created at its first start and kept in its data directory ({@code node.key}, readable
 * by its owner only, and {@code node.pub}). The public key is registered through the log; the private key never leaves
 * the node.
 */
final class NodeKeys {
    static final String PRIVATE = "node.key", PUBLIC = "node.pub";

    private final PrivateKey privateKey;
    private final PublicKey publicKey;

    private NodeKeys(PrivateKey privateKey, PublicKey publicKey) {
        this.privateKey = privateKey;
        this.publicKey = publicKey;
    }

    /**
     * The node's keys from its data directory, created there the first time.
     *
     * @throws IOException naming the file when the keys cannot be read or written (a damaged key file: delete both
     *     files and rejoin the node, see the README)
     */
    static NodeKeys inDir(Path dataDir) throws IOException {
        Path priv = dataDir.resolve(PRIVATE);
        Path pub = dataDir.resolve(PUBLIC);
        try {
            KeyFactory f = KeyFactory.getInstance(Signatures.ALGORITHM);
            if (Files.isRegularFile(priv) && Files.isRegularFile(pub)) {
                try {
                    return new NodeKeys(
                            f.generatePrivate(new PKCS8EncodedKeySpec(Files.readAllBytes(priv))),
                            f.generatePublic(new X509EncodedKeySpec(Files.readAllBytes(pub))));
                } catch (GeneralSecurityException e) {
                    throw new IOException(
                            "the node's key files " + priv + " and " + pub + " are damaged (" + e.getMessage() + ")");
                }
            }
            KeyPair pair = KeyPairGenerator.getInstance(Signatures.ALGORITHM).generateKeyPair();
            Files.createDirectories(dataDir);
            write(priv, pair.getPrivate().getEncoded(), true);
            write(pub, pair.getPublic().getEncoded(), false);
            return new NodeKeys(pair.getPrivate(), pair.getPublic());
        } catch (GeneralSecurityException e) {
            throw new IOException("this JDK has no Ed25519: " + e.getMessage(), e);
        }
    }

    private static void write(Path file, byte[] bytes, boolean secret) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(tmp, bytes);
        if (secret) {
            try {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException notPosix) {
                // Windows: the data directory's own permissions apply.
            }
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    PrivateKey privateKey() {
        return privateKey;
    }

    ByteString publicKey() {
        return ByteString.copyFrom(publicKey.getEncoded());
    }
}
