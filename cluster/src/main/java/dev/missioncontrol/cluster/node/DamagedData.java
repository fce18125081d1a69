package dev.missioncontrol.cluster.node;

import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Diagnosis of a node that cannot start from its Raft data. A node whose log or snapshot cannot be read refuses to
 * start instead of rejoining with a log that may differ from the others'; its message names the file and the way back
 * ({@code cluster rejoin}).
 */
final class DamagedData {
    private DamagedData() {}

    /**
     * Whether a failed start is unreadable Raft data (a bad checksum, a truncated or overwritten segment, a snapshot
     * that does not match its MD5), rather than a lock, a permission or a full disk, which need another remedy.
     */
    static boolean isCorruption(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            String name = c.getClass().getSimpleName();
            String m = c.getMessage() == null ? "" : c.getMessage().toLowerCase(Locale.ROOT);
            if (name.equals("ChecksumException")
                    || name.equals("CorruptedFileException")
                    || c instanceof EOFException
                    || m.contains("corrupt")
                    || m.contains("checksum")
                    || m.contains("terminator")
                    || m.contains("magic")) {
                return true;
            }
        }
        return false;
    }

    /**
     * The refusal of a node whose Raft data cannot be read: names the file Ratis reported (or, when Ratis names none,
     * the log segments) and the way back.
     */
    static IllegalStateException refusal(String id, Path groupDir, Throwable e) {
        String named = null;
        String deepest = e.getMessage();
        for (Throwable c = e; c != null; c = c.getCause()) {
            String m = c.getMessage();
            if (m != null && named == null && m.contains(groupDir.toString())) {
                named = m;
            } else if (m != null && c instanceof IOException) {
                deepest = m;
            }
        }
        String detail = named != null ? named : deepest.replaceAll("\\.$", "") + segments(groupDir);
        return new IllegalStateException(
                "The Raft data of node " + id + " in " + groupDir + " is damaged (" + detail
                        + "). The node refuses to start so that it cannot rejoin with a log that differs from the"
                        + " others'. The other nodes still hold every entry and keep deciding while they are a"
                        + " majority. To bring " + id + " back, run ./mission-control cluster rejoin " + id
                        + " (in the console: Rebuild " + id + " from the leader, in the node's menu): the directory"
                        + " is kept aside for analysis, the node starts empty and copies the log from the leader.",
                e);
    }

    /** " in the log segment(s) …" of a group directory, or "" when they cannot be listed. */
    private static String segments(Path groupDir) {
        try (var files = Files.list(groupDir.resolve("current"))) {
            List<String> segments = files.map(f -> f.getFileName().toString())
                    .filter(f -> f.startsWith("log_"))
                    .sorted()
                    .toList();
            return segments.isEmpty()
                    ? ""
                    : " in the log segment" + (segments.size() == 1 ? " " : "s ") + String.join(", ", segments);
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }
}
