package dev.missioncontrol.app.console;

import dev.missioncontrol.app.charts.ChartsModel;
import dev.missioncontrol.app.logs.LogsViewModel;
import dev.missioncontrol.app.nodes.NodesViewModel;
import dev.missioncontrol.app.query.Passages;
import dev.missioncontrol.app.query.QueryViewModel;
import dev.missioncontrol.app.supervisor.ClusterFiles;
import dev.missioncontrol.app.supervisor.NodeControl;
import dev.missioncontrol.app.supervisor.NodeProcess;
import dev.missioncontrol.app.supervisor.NodeRepair;
import dev.missioncontrol.app.supervisor.Supervisor;
import dev.missioncontrol.app.timeline.TimelineEvent;
import dev.missioncontrol.app.timeline.TimelineModel;
import dev.missioncontrol.cluster.config.ClusterSpec;
import dev.missioncontrol.knowledge.eval.EvalQuestion;
import dev.missioncontrol.knowledge.eval.EvalSet;
import dev.missioncontrol.styles.Status;
import dev.missioncontrol.styles.Theme;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import javafx.animation.AnimationTimer;
import javafx.application.Platform;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.stage.Stage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The console's composition root: prepares the cluster (a supervised local one or an attached one), wires the
 * gateway, supervisor and view-models, runs the pulse that applies coalesced updates (~10 Hz), and shows the
 * {@link MainView}. One per window; {@link #close()} stops what it started.
 */
public final class Console implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Console.class);
    private static final long APPLY_EVERY_NANOS = 100_000_000L;

    /** A cluster ready to be opened: its spec and, for a local cluster, where its files live. */
    public record Prepared(ConsoleOptions options, ClusterSpec spec, ClusterFiles files) {
        public boolean local() {
            return files != null;
        }
    }

    private final Prepared prepared;
    private final LongSupplier clock = System::currentTimeMillis;
    private final long startedAt;
    private final ConsoleSettings settings;
    private final ObjectProperty<Theme> theme;
    private final TimelineModel timeline;
    private final NodesViewModel nodes;
    private final LogsViewModel logs;
    private final QueryViewModel query;
    private final ChartsModel charts;
    private final ClusterGateway gateway;
    private final NodeControl control;
    private final ExecutorService actions = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "console-actions");
        t.setDaemon(true);
        return t;
    });
    private final PulseMeter pulses = new PulseMeter();
    private final AnimationTimer pulse;
    private final MainView view;
    private volatile boolean closed;

    /**
     * Checks the options and prepares the cluster without starting anything: reads the attached cluster file, or
     * chooses free loopback ports for a new local cluster and writes its cluster file. Any thread.
     *
     * @throws IllegalArgumentException for a wrong option or cluster file (the message names it and the line)
     */
    public static Prepared prepare(ConsoleOptions options) throws IOException {
        options.validate();
        if (options.attach() != null) {
            if (!Files.isRegularFile(options.attach())) {
                throw new IllegalArgumentException("Cluster file " + options.attach() + " does not exist.");
            }
            return new Prepared(options, ClusterSpec.read(options.attach()), null);
        }
        ClusterFiles files = ClusterFiles.console(options.dataDir());
        stopLeftovers(files);
        ClusterSpec spec =
                ClusterSpec.loopback(options.nodes(), options.models()).withDeadlineMillis(options.deadlineMillis());
        // A fresh group each start: the Raft data of an earlier console would belong to another group.
        files.deleteRaftDirs(spec);
        Files.createDirectories(files.dir);
        spec.write(files.clusterFile());
        return new Prepared(options, spec, files);
    }

    /** Nodes of an earlier console that is gone (they normally exit with it; a SIGKILLed console's may linger). */
    private static void stopLeftovers(ClusterFiles files) {
        for (ProcessHandle h : files.liveNodes(false)) {
            LOG.info("stopping node process {} left by an earlier console", h.pid());
            h.destroy();
        }
    }

    /** Builds the console in a stage and starts the cluster in the background. FX thread. */
    public static Console open(Stage stage, Prepared prepared) {
        return new Console(stage, prepared);
    }

    private Console(Stage stage, Prepared prepared) {
        this.prepared = prepared;
        this.startedAt = clock.getAsLong();
        ConsoleOptions o = prepared.options();
        ClusterSpec spec = prepared.spec();
        this.settings = new ConsoleSettings(o.dataDir().resolve("console.properties"));
        this.theme = new SimpleObjectProperty<>(Theme.named(settings.get("theme", "dark")));
        this.timeline = new TimelineModel(startedAt);
        this.nodes = new NodesViewModel(spec, prepared.local(), timeline, clock);
        this.logs = new LogsViewModel(prepared.local());
        this.gateway = new LiveCluster(spec);
        this.query = new QueryViewModel(gateway, timeline, examples(), Platform::runLater, clock);
        this.charts = new ChartsModel(startedAt);
        nodes.onEntries(query::entries);
        query.onDecided((r, ms) -> charts.decided(r, ms, clock.getAsLong()));
        nodes.readyProperty().addListener((ob, was, ready) -> {
            if (ready) {
                query.loadHistory();
            }
        });
        if (prepared.local()) {
            this.control =
                    new Supervisor(prepared.files(), spec, o.dataDir().resolve("models"), new Supervisor.Listener() {
                        @Override
                        public void onOutput(String node, String line) {
                            logs.onOutput(node, line);
                        }

                        @Override
                        public void onProcess(NodeProcess process) {
                            nodes.onProcess(process);
                        }
                    });
        } else {
            this.control = NodeControl.NONE;
        }
        this.view = new MainView(this, stage, new Passages());
        Thread.currentThread().setUncaughtExceptionHandler((t, e) -> {
            LOG.error("unexpected error on the FX thread", e);
            view.problem("Internal error: " + e + ". The console keeps running; details are in its log.");
        });
        this.pulse = new AnimationTimer() {
            private long last;

            @Override
            public void handle(long now) {
                pulses.pulse(now);
                if (now - last >= APPLY_EVERY_NANOS) {
                    last = now;
                    nodes.apply();
                    logs.apply();
                    charts.commitIndex(nodes.commitIndexProperty().get(), clock.getAsLong());
                    view.pulse();
                }
            }
        };
        pulse.start();
        gateway.watch(nodes);
        if (control instanceof Supervisor s) {
            actions.execute(() -> {
                try {
                    s.startAll();
                } catch (IOException e) {
                    Platform.runLater(() -> view.problem("Could not start the node processes: " + e.getMessage()));
                }
            });
        }
    }

    private static List<String> examples() {
        List<String> out = new ArrayList<>();
        List<EvalQuestion> all = EvalSet.load();
        for (int i = 0; i < all.size() && out.size() < 10; i += 13) {
            if (all.get(i).answerable()) {
                out.add(all.get(i).question());
            }
        }
        return out;
    }

    // ---- what views and tests use ----

    public Prepared prepared() {
        return prepared;
    }

    public NodesViewModel nodes() {
        return nodes;
    }

    public QueryViewModel query() {
        return query;
    }

    public LogsViewModel logs() {
        return logs;
    }

    public ChartsModel charts() {
        return charts;
    }

    public TimelineModel timeline() {
        return timeline;
    }

    public ObjectProperty<Theme> theme() {
        return theme;
    }

    public ConsoleSettings settings() {
        return settings;
    }

    public MainView view() {
        return view;
    }

    public PulseMeter pulses() {
        return pulses;
    }

    public long startedAt() {
        return startedAt;
    }

    public NodeControl control() {
        return control;
    }

    /** SIGKILL of a supervised node, as in a crash. */
    public void kill(String node) {
        act("Kill " + node, () -> control.kill(node));
    }

    /** A polite stop of a supervised node. */
    public void stop(String node) {
        act("Stop " + node, () -> control.stop(node));
    }

    /** Stops a supervised node if it runs and starts it again with its data. */
    public void restart(String node) {
        act("Restart " + node, () -> control.restart(node));
    }

    /**
     * Brings back a node that refuses to start because its Raft data is damaged ({@link NodeRepair}): its directory is
     * kept aside, the node starts empty and the leader copies it the log. Shown on the timeline when done.
     */
    public void rebuild(String node) {
        act("Rebuild " + node + " from the leader", () -> {
            if (!(control instanceof Supervisor s)) {
                throw new UnsupportedOperationException("the console is attached to a cluster it did not start; run"
                        + " ./mission-control cluster rejoin " + node + " where the cluster runs");
            }
            if (s.process(node).state() == NodeProcess.State.RUNNING) {
                throw new IllegalStateException(node + " is running. Rebuilding is for a node that refuses to start"
                        + " because its Raft data is damaged; stop it first if that is the case");
            }
            nodeEvent(
                    node,
                    node + " rebuilding",
                    node + " is taken out of the group, started empty and put back; other node actions wait until"
                            + " this is done",
                    Status.CAUTION);
            Path aside = NodeRepair.rejoin(
                    s.files(), s.spec(), node, gateway::leaveGroup, gateway::addBack, () -> s.start(node));
            nodeEvent(
                    node,
                    node + " rebuilt",
                    node + " started empty and copied the log from the leader"
                            + (aside == null ? "" : "; its damaged data is kept in " + aside),
                    Status.NORMAL);
        });
    }

    /** Puts a node event on the timeline, now. Any thread. */
    private void nodeEvent(String node, String title, String detail, Status status) {
        long at = clock.getAsLong();
        Platform.runLater(
                () -> timeline.add(TimelineEvent.instant(at, TimelineEvent.Kind.NODE, title, detail, status, node)));
    }

    /** Runs a supervisor action off the FX thread; a failure is shown in place. */
    public void act(String what, ThrowingAction action) {
        actions.execute(() -> {
            try {
                action.run();
            } catch (Exception e) {
                Platform.runLater(() -> view.problem(what + " failed: " + e.getMessage()));
            }
        });
    }

    /** An action that may fail with a checked exception. */
    @FunctionalInterface
    public interface ThrowingAction {
        void run() throws Exception;
    }

    /** Stops the pulse, the status streams and every node this console started; saves the layout. Any thread. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (Platform.isFxApplicationThread()) {
            pulse.stop();
            view.saveLayout();
        } else {
            Platform.runLater(pulse::stop);
        }
        settings.put("theme", theme.get().name().toLowerCase(java.util.Locale.ROOT));
        settings.save();
        gateway.close();
        control.close();
        actions.shutdownNow();
        try {
            actions.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
