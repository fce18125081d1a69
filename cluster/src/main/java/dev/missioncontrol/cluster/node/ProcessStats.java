package dev.missioncontrol.cluster.node;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Memory of this process as the kernel sees it (Linux {@code /proc}); -1 where unavailable. */
public final class ProcessStats {
    private ProcessStats() {}

    /** Peak resident set size in MB ({@code VmHWM}). */
    public static double peakRssMb() {
        return statusKb("VmHWM:") / 1024.0;
    }

    /** Current resident set size in MB ({@code VmRSS}). */
    public static double rssMb() {
        return statusKb("VmRSS:") / 1024.0;
    }

    private static long statusKb(String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(key)) {
                    return Long.parseLong(
                            line.substring(key.length()).replace("kB", "").strip());
                }
            }
        } catch (IOException | NumberFormatException e) {
            // Not Linux, or an unexpected format: report "unknown" rather than a wrong figure.
            return -1024;
        }
        return -1024;
    }
}
