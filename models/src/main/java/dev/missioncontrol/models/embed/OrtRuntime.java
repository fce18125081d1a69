package dev.missioncontrol.models.embed;

import ai.onnxruntime.OrtEnvironment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The process's one ONNX Runtime environment, created on a thread whose stack is sized for this process's command
 * line.
 *
 * <p>Why: on Linux, ONNX Runtime 1.29 starts its telemetry layer when the environment is created, and that layer reads
 * {@code /proc/self/cmdline} and matches it with a backtracking regular expression that recurses once per byte (about
 * 300 bytes of native stack per byte of command line). Created on the launcher's main thread (512 KB of stack), an
 * {@code ask --local} whose question is more than about 1,600 bytes long overflowed the stack and the JVM died with a
 * segmentation fault and no message; a long class path did the same to node JVMs. The environment is created once,
 * and nothing after that reads the command line again, so only this one call needs the deep stack.
 */
public final class OrtRuntime {
    /** Native stack per byte of command line, with room to spare over the ~300 bytes measured. */
    private static final long STACK_PER_BYTE = 512;

    private static final long BASE_STACK = 8L << 20;
    private static final long MAX_STACK = 1L << 30;
    private static final AtomicReference<OrtEnvironment> ENVIRONMENT = new AtomicReference<>();

    private OrtRuntime() {}

    /**
     * The shared environment, created on first use. Any thread.
     *
     * @throws ModelLoadException when ONNX Runtime cannot start (its native library did not load)
     */
    public static OrtEnvironment environment() {
        OrtEnvironment env = ENVIRONMENT.get();
        if (env != null) {
            return env;
        }
        synchronized (ENVIRONMENT) {
            if (ENVIRONMENT.get() == null) {
                ENVIRONMENT.set(create());
            }
            return ENVIRONMENT.get();
        }
    }

    private static OrtEnvironment create() {
        AtomicReference<Object> result = new AtomicReference<>();
        Thread init = new Thread(
                null,
                () -> {
                    try {
                        result.set(OrtEnvironment.getEnvironment());
                    } catch (RuntimeException | LinkageError e) {
                        result.set(e);
                    }
                },
                "onnxruntime-init",
                stackFor(commandLineBytes()));
        init.setDaemon(true);
        init.start();
        boolean interrupted = false;
        while (true) {
            try {
                init.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true; // the environment must exist before anyone uses it: wait, then restore the flag
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (result.get() instanceof OrtEnvironment env) {
            return env;
        }
        Throwable failure = (Throwable) result.get();
        throw new ModelLoadException(
                "ONNX Runtime could not start (" + failure + "). The distribution may be incomplete or built for"
                        + " another platform: reinstall it, or rebuild with ./mvnw install.",
                failure);
    }

    /** The stack the environment's creation needs for a command line of this many bytes. */
    static long stackFor(long commandLineBytes) {
        return Math.min(MAX_STACK, BASE_STACK + STACK_PER_BYTE * commandLineBytes);
    }

    /** Length of this process's command line as the OS holds it, or 0 where there is no {@code /proc}. */
    static long commandLineBytes() {
        Path cmdline = Path.of("/proc/self/cmdline");
        try {
            return Files.isReadable(cmdline) ? Files.readAllBytes(cmdline).length : 0;
        } catch (IOException | RuntimeException e) {
            return 0; // not Linux: ONNX Runtime's telemetry does not read it there
        }
    }
}
