package dev.missioncontrol.cluster.supervisor;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The signals Java's process API lacks: freeze a process ({@code SIGSTOP}, as a long GC pause or a hung VM would) and
 * let it go on ({@code SIGCONT}), and whether a process is frozen now, as the operating system reports it.
 */
public final class ProcessSignals {
    private ProcessSignals() {}

    /** Freezes a process: it keeps its memory and sockets but runs no instruction until {@link #resume}. */
    public static void pause(long pid) throws IOException {
        send(pid, "STOP");
    }

    public static void resume(long pid) throws IOException {
        send(pid, "CONT");
    }

    private static void send(long pid, String signal) throws IOException {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid))
                .redirectErrorStream(true)
                .start();
        try {
            if (!kill.waitFor(5, TimeUnit.SECONDS)) {
                kill.destroyForcibly();
                throw new IOException("kill -" + signal + " " + pid + " did not return within 5 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while sending SIG" + signal + " to " + pid, e);
        }
        if (kill.exitValue() != 0) {
            String why = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            throw new IOException("kill -" + signal + " " + pid + " failed" + (why.isEmpty() ? "" : ": " + why));
        }
    }

    /** Whether the process is frozen (stopped by a signal), as the OS reports it; false when it does not exist. */
    public static boolean isPaused(long pid) {
        Path stat = Path.of("/proc", Long.toString(pid), "stat");
        if (Files.isDirectory(Path.of("/proc", "self"))) {
            try {
                String s = Files.readString(stat);
                // pid (comm) state …: the command may contain spaces and parentheses, the state follows the last ')'.
                int close = s.lastIndexOf(')');
                char state = close >= 0 && close + 2 < s.length() ? s.charAt(close + 2) : '?';
                return state == 'T' || state == 't';
            } catch (IOException e) {
                return false; // gone
            }
        }
        try {
            Process ps = new ProcessBuilder("ps", "-o", "state=", "-p", Long.toString(pid)).start();
            String out = new String(ps.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            ps.waitFor(5, TimeUnit.SECONDS);
            return out.startsWith("T");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
