package dev.missioncontrol.app.supervisor;

import java.util.List;

/**
 * What the supervisor knows about one node's OS process at one moment.
 *
 * @param pid the process id, or -1 before the first start
 * @param exitCode the exit code once the process ended, else null
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
        /** Ended on its own: a crash or a failed start; see {@link #exitCode()} and {@link #tail()}. */
        EXITED,
        /** Killed with SIGKILL on request (a drill). */
        KILLED,
        /** Stopped politely on request. */
        STOPPED
    }

    public boolean alive() {
        return state == State.RUNNING;
    }

    /** One line for a tile or a log: "exited with code 1", "killed (SIGKILL)", … */
    public String describe() {
        return switch (state) {
            case NEW -> "not started";
            case RUNNING -> "running, pid " + pid;
            case EXITED -> "exited with code " + exitCode;
            case KILLED -> "killed (SIGKILL)";
            case STOPPED -> "stopped";
        };
    }
}
