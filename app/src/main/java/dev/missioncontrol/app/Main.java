package dev.missioncontrol.app;

import dev.missioncontrol.app.cli.AskCommand;
import dev.missioncontrol.app.cli.AuditCommand;
import dev.missioncontrol.app.cli.BenchCommand;
import dev.missioncontrol.app.cli.ClusterCommand;
import dev.missioncontrol.app.cli.ConsoleCommand;
import dev.missioncontrol.app.cli.EvalCommand;
import dev.missioncontrol.app.cli.FaultCommand;
import dev.missioncontrol.app.cli.IngestCommand;
import dev.missioncontrol.app.cli.NodeRunCommand;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code mission-control} launcher: the console (no arguments) and the headless commands. */
@Command(
        name = "mission-control",
        mixinStandardHelpOptions = true,
        version = "Mission Control 0.1.0",
        description = {
            "Consensus-checked answers to spacecraft-operations questions.",
            "",
            "With no command, opens the operator console over a local 3-node cluster. Without a screen, start a"
                    + " cluster with 'cluster up' and 'ask' it; 'ask --local' runs one answering pipeline in this"
                    + " process.",
            ""
        },
        subcommands = {
            ConsoleCommand.class,
            ClusterCommand.class,
            NodeRunCommand.class,
            AskCommand.class,
            FaultCommand.class,
            AuditCommand.class,
            IngestCommand.class,
            EvalCommand.class,
            BenchCommand.class
        })
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Held so the setting sticks: JUL keeps loggers weakly. */
    private static final java.util.logging.Logger LUCENE = java.util.logging.Logger.getLogger("org.apache.lucene");

    private static final java.util.logging.Logger GRPC =
            java.util.logging.Logger.getLogger("org.apache.ratis.thirdparty");

    public static void main(String[] args) {
        quietLibraries();
        System.exit(execute(args.length == 0 ? new String[] {"console"} : args));
    }

    /**
     * Lucene and Ratis' gRPC report through java.util.logging; their notices (SIMD, epoll availability) are not for
     * operators.
     */
    private static final java.util.logging.Logger JAVAFX =
            java.util.logging.Logger.getLogger("com.sun.javafx.application.PlatformImpl");

    public static void quietLibraries() {
        // JavaFX warns that it runs from the class path; that is how the app jar is built (see app/pom.xml).
        JAVAFX.setLevel(java.util.logging.Level.SEVERE);
        LUCENE.setLevel(java.util.logging.Level.SEVERE);
        GRPC.setLevel(java.util.logging.Level.SEVERE);
    }

    /** Runs a command line and returns its exit code: 0 ok, 1 failed, 2 usage error. */
    public static int execute(String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            PrintWriter err = commandLine.getErr();
            err.println("error: " + message(e));
            if (System.getenv("MISSION_CONTROL_DEBUG") != null) {
                e.printStackTrace(err);
            }
            err.flush();
            return 1;
        });
        return cl.execute(args);
    }

    private static String message(Throwable e) {
        Throwable t = e;
        while (t.getMessage() == null && t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
