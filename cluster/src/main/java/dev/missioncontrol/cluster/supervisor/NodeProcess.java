package dev.missioncontrol.cluster.supervisor;

import java.util.List;

/**
 * What the supervisor knows about one node's OS process at one moment.
 *
 * @param pid the process id, or -1 before the first start
 * @param exitCode the exit code once the process ended, else null (also null for a process this supervisor adopted
 *     from a pid file, whose exit it can see but not its code)
 * @param startedAtMillis wall-clock time of the last start, or 0
 * @param tail the last lines the process printed (for showing why it failed)
 */
public record NodeProcess(
        String node, State state, long pid, Integer exitCode, long startedAtMillis, List<String> tail) {

    /** Lifecycle of a supervised node process. */
    public enum State {
        /** Never started. */
        NEW,
        /** Started; its node may still be loading models and building its index. */
        RUNNING,
        /** Frozen by SIGSTOP on request (a drill): alive, but it runs nothing until it is resumed. */
        PAUSED,
        /** Ended on its own: a crash or a failed start; see {@link #exitCode()} and {@link #tail()}. */
        EXITED,
        /** Killed with SIGKILL on request (a drill). */
        KILLED,
        /** Stopped politely on request. */
        STOPPED
    }

    /** The process exists (running or frozen). */
    public boolean alive() {
        return state == State.RUNNING || state == State.PAUSED;
    }

    /** One line for a tile or a log: "exited with code 1", "killed (SIGKILL)", … */
    public String describe() {
        return switch (state) {
            case NEW -> "not started";
            case RUNNING -> "running, pid " + pid;
            case PAUSED -> "paused (SIGSTOP), pid " + pid;
            case EXITED -> exitCode == null ? "not running" : "exited with code " + exitCode;
            case KILLED -> "killed (SIGKILL)";
            case STOPPED -> "stopped";
        };
    }
}
