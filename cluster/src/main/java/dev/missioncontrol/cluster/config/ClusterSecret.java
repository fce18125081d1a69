package dev.missioncontrol.cluster.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;

/**
 * The cluster's secret: a random token written beside the cluster file when the file is made ({@code cluster.conf} →
 * {@code cluster.secret}), readable by its owner only. A node reads it at start; every fault-control call must carry it
 * ({@link #HEADER}), so only someone who can read the file can break the cluster on purpose. A console or CLI without
 * it can watch and ask, not inject.
 */
public final class ClusterSecret {
    /** The gRPC header that carries the secret. */
    public static final String HEADER = "mc-secret";

    private final String token;

    private ClusterSecret(String token) {
        this.token = token;
    }

    /** The secret's file for a cluster file: the same name with the extension {@code .secret}. */
    public static Path fileFor(Path clusterFile) {
        String name = clusterFile.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return clusterFile.resolveSibling((dot > 0 ? name.substring(0, dot) : name) + ".secret");
    }

    /**
     * Writes a new random secret beside a cluster file (owner read/write only), replacing an older one.
     *
     * @throws UncheckedIOException naming the file when it cannot be written
     */
    public static ClusterSecret create(Path clusterFile) {
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        String token = HexFormat.of().formatHex(random);
        Path file = fileFor(clusterFile).toAbsolutePath();
        try {
            Files.createDirectories(file.getParent());
            Files.deleteIfExists(file);
            if (Files.getFileStore(file.getParent()).supportsFileAttributeView("posix")) {
                Set<PosixFilePermission> ownerOnly = PosixFilePermissions.fromString("rw-------");
                Files.createFile(file, PosixFilePermissions.asFileAttribute(ownerOnly));
            } else {
                Files.createFile(file);
            }
            Files.writeString(file, token + "\n");
        } catch (FileAlreadyExistsException e) {
            throw new UncheckedIOException("Another process wrote " + file + " at the same time; try again.", e);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the cluster secret " + file + ": " + e.getMessage(), e);
        }
        return new ClusterSecret(token);
    }

    /** The secret beside a cluster file, when the file exists and this user can read it. */
    public static Optional<ClusterSecret> read(Path clusterFile) {
        Path file = fileFor(clusterFile);
        try {
            String token = Files.readString(file, StandardCharsets.UTF_8).strip();
            return token.isEmpty() ? Optional.empty() : Optional.of(new ClusterSecret(token));
        } catch (IOException | SecurityException e) {
            return Optional.empty();
        }
    }

    public String token() {
        return token;
    }

    /** Whether a presented token is this secret, in time that does not depend on where they differ. */
    public boolean matches(String presented) {
        return presented != null
                && MessageDigest.isEqual(
                        token.getBytes(StandardCharsets.UTF_8), presented.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "ClusterSecret[…]"; // never in a log
    }
}
