package dev.missioncontrol.app.console;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.missioncontrol.app.charts.ChartsModel;
import dev.missioncontrol.app.faults.FaultsViewModel;
import dev.missioncontrol.app.faults.NodeActions;
import dev.missioncontrol.app.logs.LogsViewModel;
import dev.missioncontrol.app.nodes.NodesViewModel;
import dev.missioncontrol.app.query.Passages;
import dev.missioncontrol.app.query.QueryViewModel;
import dev.missioncontrol.app.timeline.TimelineModel;
import dev.missioncontrol.cluster.config.ClusterSpec;
import dev.missioncontrol.cluster.faults.Actor;
import dev.missioncontrol.cluster.faults.AuditJournal;
import dev.missioncontrol.cluster.faults.FaultController;
import dev.missioncontrol.cluster.supervisor.ClusterFiles;
import dev.missioncontrol.cluster.supervisor.NodeProcess;
import dev.missioncontrol.cluster.supervisor.ProcessSignals;
import dev.missioncontrol.cluster.supervisor.Supervisor;
import dev.missioncontrol.knowledge.eval.EvalQuestion;
import dev.missioncontrol.knowledge.eval.EvalSet;
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
 * gateway, the supervisor, the fault controller and the view-models, runs the pulse that applies coalesced updates
 * (~10 Hz), and shows the {@link MainView}. One per window; {@link #close()} heals what it broke and stops what it
 * started.
 */
public final class Console implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Console.class);
    private static final long APPLY_EVERY_NANOS = 100_000_000L;

    /**
     * A cluster ready to be opened: its spec, where its files live (for an attached cluster, beside its cluster file:
     * its secret and, when it was started on this machine, its pid file), and whether the console starts it.
     */
    public record Prepared(ConsoleOptions options, ClusterSpec spec, ClusterFiles files, boolean local) {}

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
    private final LiveCluster gateway;
    private final Supervisor supervisor;
    private final FaultController controller;
    private final FaultsViewModel faults;
    private final NodeActions nodeActions;
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
     * chooses free loopback ports for a new local cluster and writes its cluster file and secret. Any thread.
     *
     * @throws IllegalArgumentException for a wrong option or cluster file (the message names it and the line)
     */
    public static Prepared prepare(ConsoleOptions options) throws IOException {
        options.validate();
        if (options.attach() != null) {
            if (!Files.isRegularFile(options.attach())) {
                throw new IllegalArgumentException("Cluster file " + options.attach() + " does not exist.");
            }
            return new Prepared(options, ClusterSpec.read(options.attach()), ClusterFiles.of(options.attach()), false);
        }
        ClusterFiles files = ClusterFiles.console(options.dataDir());
        stopLeftovers(files, options.dataDir());
        ClusterSpec spec = ClusterSpec.loopback(options.nodes(), options.models())
                .withDeadlineMillis(options.deadlineMillis())
                .withGenerators(options.generators());
        // A fresh group each start: the Raft data of an earlier console would belong to another group.
        files.deleteRaftDirs(spec);
        Files.createDirectories(files.dir());
        files.create(spec);
        return new Prepared(options, spec, files, true);
    }

    /**
     * Nodes of an earlier console that is gone. They normally exit with it, but a console that was killed while a node
     * was frozen leaves that node frozen for good (it cannot notice anything): such leftovers are killed, and the
     * journal says so.
     */
    private static void stopLeftovers(ClusterFiles files, Path dataDir) {
        List<ProcessHandle> left = files.liveNodes();
        if (left.isEmpty()) {
            return;
        }
        long frozen =
                left.stream().filter(h -> ProcessSignals.isPaused(h.pid())).count();
        left.forEach(ProcessHandle::destroyForcibly);
        String what = left.size() + " node process(es) of an earlier console still ran (" + frozen
                + " of them frozen); killed";
        LOG.info(what);
        if (files.exists()) {
            try {
                ObjectNode e = AuditJournal.event(
                        ClusterSpec.read(files.clusterFile()).group(),
                        Actor.of("console"),
                        "leftovers",
                        System.currentTimeMillis());
                e.put("detail", what);
                AuditJournal.in(dataDir).append(e);
            } catch (RuntimeException e) {
                LOG.warn("could not record the leftover nodes in the audit journal: {}", e.getMessage());
            }
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
        Actor me = Actor.of("console");
        this.settings = new ConsoleSettings(o.dataDir().resolve("console.properties"));
        this.theme = new SimpleObjectProperty<>(Theme.named(settings.get("theme", "dark")));
        this.timeline = new TimelineModel(startedAt);
        this.nodes = new NodesViewModel(spec, prepared.local(), timeline, clock);
        this.logs = new LogsViewModel(prepared.local());
        this.gateway = new LiveCluster(spec, prepared.files().secret());
        this.query = new QueryViewModel(gateway, timeline, examples(), me.describe(), Platform::runLater, clock);
        this.charts = new ChartsModel(startedAt);
        nodes.onEntries(query::entries);
        query.onDecided((r, ms) -> charts.decided(r, ms, clock.getAsLong()));
        Supervisor.Listener processes = new Supervisor.Listener() {
            @Override
            public void onOutput(String node, String line) {
                logs.onOutput(node, line);
            }

            @Override
            public void onProcess(NodeProcess process) {
                nodes.onProcess(process);
            }
        };
        Path models = o.dataDir().resolve("models");
        if (prepared.local()) {
            this.supervisor = Supervisor.owned(prepared.files(), spec, models, List.of(), processes);
        } else if (!prepared.files().liveNodes().isEmpty()) {
            // Attached to a cluster started on this machine (cluster up): its pid file lets the console act on it.
            this.supervisor = Supervisor.detached(prepared.files(), spec, models, processes);
            supervisor.processes().forEach(nodes::onProcess);
        } else {
            this.supervisor = null;
        }
        this.controller = new FaultController(gateway.client(), supervisor, AuditJournal.in(o.dataDir()), me);
        this.faults = new FaultsViewModel(controller, nodes, timeline, Platform::runLater);
        this.nodeActions = new NodeActions(faults, spec.deadlineMillis(), node -> view().showLogOf(node));
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
                    faults.apply();
                    logs.apply();
                    charts.commitIndex(nodes.commitIndexProperty().get(), clock.getAsLong());
                    view.pulse();
                }
            }
        };
        pulse.start();
        gateway.watch(nodes);
        gateway.watchRecords(query::record);
        actions.execute(() -> {
            faults.refresh(); // reads the journal: what was done to this cluster before this console started
            if (prepared.local()) {
                try {
                    supervisor.startAll();
                } catch (IOException e) {
                    Platform.runLater(() -> view.problem("Could not start the node processes: " + e.getMessage()));
                }
            } else if (controller.controlsNodes() || controller.supervises()) {
                List<String> healed = controller.healLeftovers();
                if (!healed.isEmpty()) {
                    Platform.runLater(() -> view.problem(
                            "Healed " + healed + ": left in effect by a console that is" + " no longer running."));
                }
            }
        });
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

    public FaultsViewModel faults() {
        return faults;
    }

    public FaultController controller() {
        return controller;
    }

    /** Every action on a node, for the tile menus, the Cluster menu and the faults panel. */
    public NodeActions nodeActions() {
        return nodeActions;
    }

    /** Runs work off the FX thread; a failure is shown in place. */
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

    /**
     * Stops the pulse and the streams; for a cluster it started, heals every fault and stops every node; saves the
     * layout. Any thread.
     */
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
        if (prepared.local()) {
            // Heal what this console broke before its nodes go: the journal records it, paused nodes can stop politely.
            try {
                controller.healAll("the console that started the cluster closed", true);
            } catch (RuntimeException e) {
                LOG.warn("healing at close: {}", e.getMessage());
            }
        }
        faults.close();
        controller.close();
        gateway.close();
        if (supervisor != null) {
            supervisor.close();
        }
        actions.shutdownNow();
        try {
            actions.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
