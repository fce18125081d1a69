package dev.missioncontrol.app.cli;

import dev.missioncontrol.app.console.Console;
import dev.missioncontrol.app.console.ConsoleDriver;
import dev.missioncontrol.app.console.ConsoleOptions;
import dev.missioncontrol.cluster.faults.Fault;
import dev.missioncontrol.cluster.proto.QueryRecord;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javafx.application.Platform;
import javafx.stage.Stage;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code console} (also the launcher with no arguments): the operator console over a local or attached cluster. */
@Command(
        name = "console",
        mixinStandardHelpOptions = true,
        description = {
            "Open the operator console. By default it starts a local cluster of node JVMs on loopback and supervises"
                    + " them (closing the console stops them); --attach watches a cluster started elsewhere.",
        })
public final class ConsoleCommand implements Callable<Integer> {
    @Option(
            names = "--data-dir",
            paramLabel = "DIR",
            description = "Where node data, models and console settings live (default: ${DEFAULT-VALUE}).")
    Path dataDir = PipelineOptions.defaultDataDir();

    @Mixin
    LocalClusterOptions cluster;

    @Option(names = "--attach", paramLabel = "FILE", description = "Attach to the cluster in this cluster file.")
    Path attach;

    @Option(
            names = "--screenshots",
            paramLabel = "DIR",
            description = "Without a screen: start the console, run a short drill (ask, kill a node, ask, restart it)"
                    + " and write a PNG of each view to DIR, then exit.")
    Path screenshots;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        ConsoleOptions options = new ConsoleOptions(
                dataDir, cluster.nodes, cluster.node.models, cluster.node.deadline, attach, cluster.node.generators());
        Console.Prepared prepared;
        try {
            prepared = Console.prepare(options);
        } catch (IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            return 2;
        }
        if (screenshots != null) {
            ConsoleDriver.headless();
            return Screenshots.take(prepared, screenshots, spec.commandLine().getOut());
        }
        return open(prepared, err);
    }

    private static int open(Console.Prepared prepared, PrintWriter err) throws InterruptedException {
        CountDownLatch closed = new CountDownLatch(1);
        Console[] console = new Console[1];
        try {
            Platform.startup(() -> {
                Platform.setImplicitExit(false);
                Stage stage = new Stage();
                console[0] = Console.open(stage, prepared);
                stage.setOnHidden(e -> closed.countDown());
                stage.show();
            });
        } catch (UnsupportedOperationException | IllegalStateException e) {
            err.println("error: the console needs a graphical display (" + e.getMessage() + "). On a machine without"
                    + " one, use './mission-control cluster up' and 'ask', or run the console under xvfb-run.");
            return 1;
        }
        closed.await();
        if (console[0] != null) {
            CountDownLatch saved = new CountDownLatch(1);
            Platform.runLater(() -> {
                console[0].close();
                saved.countDown();
            });
            saved.await(20, TimeUnit.SECONDS);
        }
        Platform.exit();
        return 0;
    }

    /** The scripted drill behind {@code --screenshots}. */
    static final class Screenshots {
        private Screenshots() {}

        /** Heals every fault from the faults panel and waits until healing has ended. */
        private static void healAll(ConsoleDriver d, Console c) throws Exception {
            d.fx(() -> {
                c.faults().healAll();
                return null;
            });
            d.await("heal all", 120_000, () -> !c.faults().healingProperty().get());
        }

        /** Injects a Byzantine fault from the faults panel and waits until it is confirmed. */
        private static void byzantine(ConsoleDriver d, Console c, Fault fault) throws Exception {
            d.fx(() -> {
                c.faults().inject(fault);
                return null;
            });
            d.await(
                    fault.describe() + " to be confirmed",
                    60_000,
                    () -> !c.faults().rows().isEmpty()
                            && c.faults().rows().getFirst().what().startsWith(fault.type())
                            && c.faults().rows().getFirst().state().equals("confirmed"));
        }

        static int take(Console.Prepared prepared, Path dir, PrintWriter out) throws Exception {
            try (ConsoleDriver d = ConsoleDriver.open(prepared, 1440, 900)) {
                Console c = d.console();
                d.awaitReady(300_000);
                out.println("cluster ready; asking …");
                out.flush();
                QueryRecord first = d.ask("What is the nominal main bus voltage?", 60_000);
                out.println("decided " + first.getDecision().getStatus());
                d.select("query");
                d.screenshot(dir.resolve("console-query.png"));
                for (String tab : List.of("matrix", "raft", "logs")) {
                    d.select(tab);
                    d.screenshot(dir.resolve("console-" + tab + ".png"));
                }
                String victim =
                        prepared.spec().nodes().get(prepared.spec().size() - 1).id();
                c.controller().inject(new Fault.Kill(List.of(victim)));
                d.await(victim + " to be shown down", 15_000, () -> !c.nodes()
                        .node(victim)
                        .up());
                // Wait for a leader among the survivors, so the question is not slowed by an election.
                d.await(
                        "a leader without " + victim,
                        20_000,
                        () -> !c.nodes().leaderProperty().get().isEmpty()
                                && !c.nodes().leaderProperty().get().equals(victim));
                QueryRecord degraded = d.ask("What are the main bus voltage limits?", 60_000);
                out.println(
                        "with " + victim + " killed: " + degraded.getDecision().getStatus());
                d.select("query");
                d.screenshot(dir.resolve("console-degraded.png"));
                QueryRecord split = d.ask("How do I recover from a reaction wheel overspeed fault?", 60_000);
                out.println("with " + victim + " killed: " + split.getDecision().getStatus());
                Thread.sleep(300);
                d.screenshot(dir.resolve("console-no-consensus.png"));
                c.controller().restart(victim);
                d.await(victim + " to rejoin", 120_000, () -> c.nodes()
                        .node(victim)
                        .up());
                d.ask("What is the battery depth-of-discharge limit?", 60_000);
                // A partition from the faults panel: the tile, the panel and the timeline while it is in effect.
                String cut = prepared.spec().nodes().getFirst().id();
                d.fx(() -> {
                    c.faults().inject(new Fault.Partition(List.of(cut), List.of()));
                    return null;
                });
                d.await(
                        "the partition to be confirmed",
                        60_000,
                        () -> !c.faults().rows().isEmpty()
                                && c.faults().rows().getFirst().state().equals("confirmed"));
                d.ask("What is the nominal main bus voltage?", 60_000);
                d.await(
                        cut + " shown cut off",
                        20_000,
                        () -> c.nodes().node(cut).role().contains("CUT OFF"));
                d.select("query");
                d.screenshot(dir.resolve("console-faults.png"));
                out.println("partitioned " + cut + " away");
                d.fx(() -> {
                    c.faults().healAll();
                    return null;
                });
                d.await(
                        "heal all",
                        120_000,
                        () -> !c.faults().healingProperty().get()
                                && c.faults().rows().getFirst().state().equals("healed"));
                // Byzantine: one hallucinating node (badged for the instructor), then two colluders (beyond f).
                String liar = prepared.spec().nodes().getLast().id();
                byzantine(d, c, new Fault.Byzantine("hallucinate", List.of(liar)));
                QueryRecord lied = d.ask("What is the maximum charge voltage of the battery?", 60_000);
                out.println(liar + " hallucinating: " + lied.getDecision().getStatus() + ", winner "
                        + lied.getDecision().getWinner());
                d.select("query");
                Thread.sleep(300);
                d.screenshot(dir.resolve("console-byzantine.png"));
                healAll(d, c);
                List<String> group = prepared.spec().nodes().stream()
                        .skip(prepared.spec().size() - 2L)
                        .map(n -> n.id())
                        .toList();
                byzantine(d, c, new Fault.Byzantine("collude", group));
                QueryRecord colluded = d.ask("How long may the spacecraft stay in SAFE mode?", 60_000);
                out.println(String.join(",", group) + " colluding: "
                        + colluded.getDecision().getStatus());
                Thread.sleep(300);
                d.screenshot(dir.resolve("console-byzantine-beyond.png"));
                healAll(d, c);
                // A lying leader: made the leader by the injection, overruled by every honest follower.
                String lying = prepared.spec().nodes().get(1).id();
                byzantine(d, c, new Fault.Byzantine("lying-leader", List.of(lying)));
                QueryRecord overruled = d.ask("What is the nominal main bus voltage?", 60_000);
                out.println(lying + " a lying leader: overruled " + overruled.hasOverruled() + " by "
                        + overruled.getOverruledByList());
                Thread.sleep(300);
                d.screenshot(dir.resolve("console-byzantine-disputed.png"));
                healAll(d, c);
                for (String tab : List.of("charts", "history", "audit")) {
                    d.select(tab);
                    d.screenshot(dir.resolve("console-" + tab + ".png"));
                }
                d.select("query");
                d.fx(() -> {
                    c.theme().set(c.theme().get().next());
                    return null;
                });
                Thread.sleep(300);
                d.screenshot(dir.resolve("console-light.png"));
                d.fx(() -> {
                    c.theme().set(c.theme().get().next());
                    c.view().scene().getWindow().setWidth(1280);
                    c.view().scene().getWindow().setHeight(800);
                    return null;
                });
                Thread.sleep(500);
                d.screenshot(dir.resolve("console-1280x800.png"));
                out.println("screenshots written to " + dir.toAbsolutePath());
            }
            Platform.exit();
            return 0;
        }
    }
}
