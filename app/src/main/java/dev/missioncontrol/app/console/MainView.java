package dev.missioncontrol.app.console;

import dev.missioncontrol.app.audit.AuditView;
import dev.missioncontrol.app.charts.ChartsView;
import dev.missioncontrol.app.console.Fx.Terms;
import dev.missioncontrol.app.decision.DecisionFormat;
import dev.missioncontrol.app.faults.FaultsView;
import dev.missioncontrol.app.history.HistoryView;
import dev.missioncontrol.app.logs.NodeLogsView;
import dev.missioncontrol.app.nodes.NodesView;
import dev.missioncontrol.app.nodes.NodesViewModel;
import dev.missioncontrol.app.query.MatrixView;
import dev.missioncontrol.app.query.Passages;
import dev.missioncontrol.app.query.QueryView;
import dev.missioncontrol.app.query.QueryViewModel;
import dev.missioncontrol.app.raftlog.RaftLogView;
import dev.missioncontrol.app.timeline.TimelineEvent;
import dev.missioncontrol.app.timeline.TimelineView;
import dev.missioncontrol.cluster.proto.QueryRecord;
import dev.missioncontrol.styles.Status;
import dev.missioncontrol.styles.Theme;
import java.io.File;
import java.nio.file.Path;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import javafx.application.Platform;
import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.control.Menu;
import javafx.scene.control.MenuBar;
import javafx.scene.control.MenuItem;
import javafx.scene.control.SeparatorMenuItem;
import javafx.scene.control.SplitPane;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.input.KeyCombination;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.stage.FileChooser;
import javafx.stage.Stage;
import org.controlsfx.control.NotificationPane;

/**
 * The window: node tiles and topology on the left (always visible), the views as tabs in the middle, the timeline
 * along the bottom, a status bar under it. Menus carry every action with its shortcut; problems show in a bar across
 * the top, never as a modal dialog or a stack trace. Remembers its size, dividers, tab and theme.
 */
public final class MainView {
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");
    /** Tab ids, in order; Ctrl+1 … Ctrl+7 select them. */
    public static final List<String> TABS = List.of("query", "matrix", "raft", "logs", "charts", "history", "audit");

    private final Console console;
    private final Stage stage;
    private final Scene scene;
    private final TabPane tabs = new TabPane();
    private final SplitPane columns;
    private final SplitPane rows;
    private final QueryView queryView;
    private final AuditView audit;
    private final NodeLogsView logsView;
    private final TimelineView timelineView;
    private final NotificationPane notifications;
    private final Label clock = Fx.label("", "mono");
    private final Label lastDecision = Fx.label("last decision: none", "status-text");

    MainView(Console console, Stage stage, Passages passages) {
        this.console = console;
        this.stage = stage;
        NodesViewModel nodes = console.nodes();
        QueryViewModel query = console.query();
        ConsoleSettings settings = console.settings();
        List<String> ids = nodes.nodes().stream().map(n -> n.id()).toList();

        NodesView nodesView = new NodesView(nodes, console.theme(), console.nodeActions()::menuItems);
        nodesView.setMinWidth(220);
        queryView = new QueryView(query, passages, ids);
        queryView.badgeInjected(console.faults()::byzantineAt);
        queryView.warnBeyondTolerance(console.faults()::byzantineWarningAt);
        queryView.showInjectedProperty().set(Boolean.parseBoolean(settings.get("badges.injected", "true")));
        audit = new AuditView(
                console.controller().journal(),
                console.prepared().spec().group(),
                r -> console.act("Read the audit journal", r::run),
                Platform::runLater,
                done -> exportAudit(done));
        RaftLogView raftLog = new RaftLogView(nodes);
        logsView = new NodeLogsView(console.logs(), ids);
        tabs.getTabs()
                .addAll(
                        tab("query", "Query  ⌃1", queryView),
                        tab("matrix", "Matrix  ⌃2", new MatrixView(query, console.theme())),
                        tab("raft", "Raft log  ⌃3", raftLog),
                        tab("logs", "Node logs  ⌃4", logsView),
                        tab("charts", "Charts  ⌃5", new ChartsView(console.charts())),
                        tab(
                                "history",
                                "History  ⌃6",
                                new HistoryView(query, this::reopen, () -> export("json"), () -> export("csv"))),
                        tab("audit", "Audit  ⌃7", audit));
        tabs.setTabClosingPolicy(TabPane.TabClosingPolicy.UNAVAILABLE);
        tabs.getTabs().get(TABS.indexOf("raft")).selectedProperty().addListener((o, a, on) -> raftLog.active(on));
        Tab auditTab = tabs.getTabs().get(TABS.indexOf("audit"));
        auditTab.selectedProperty().addListener((o, a, on) -> {
            if (on) {
                audit.reload();
            }
        });
        console.faults().rows().addListener((javafx.collections.ListChangeListener<Object>) c -> {
            if (auditTab.isSelected()) {
                audit.reload();
            }
        });
        tabs.setId("tabs");

        FaultsView faultsView = new FaultsView(console.faults());
        columns = new SplitPane(nodesView, tabs, faultsView);
        columns.setOrientation(Orientation.HORIZONTAL);
        SplitPane.setResizableWithParent(nodesView, false);
        SplitPane.setResizableWithParent(faultsView, false);
        timelineView = new TimelineView(console.timeline(), console.theme(), System::currentTimeMillis);
        rows = new SplitPane(columns, timelineView);
        rows.setOrientation(Orientation.VERTICAL);
        SplitPane.setResizableWithParent(timelineView, false);
        console.timeline().selectedProperty().addListener((o, a, e) -> {
            if (e != null && e.kind() == TimelineEvent.Kind.DECISION && query.reopen(e.ref())) {
                select("query");
            }
        });

        notifications = new NotificationPane(rows);
        notifications.setId("problems");
        notifications.setShowFromTop(true);
        BorderPane root = new BorderPane(notifications);
        root.setTop(menus());
        root.setBottom(statusBar());
        root.setId("console");

        scene = new Scene(root, settings.getDouble("window.width", 1280), settings.getDouble("window.height", 800));
        applyTheme(console.theme().get());
        console.theme().addListener((o, a, b) -> applyTheme(b));
        stage.setScene(scene);
        stage.setTitle(title());
        stage.setMinWidth(1024);
        stage.setMinHeight(640);
        columns.setDividerPositions(
                settings.getDouble("divider.columns", 0.2), settings.getDouble("divider.faults", 0.79));
        rows.setDividerPositions(settings.getDouble("divider.rows", 0.78));
        select(settings.get("tab", "query"));
        Platform.runLater(queryView::focusQuestion);
    }

    private String title() {
        var p = console.prepared();
        return "Mission Control — "
                + (p.local()
                        ? "local cluster of " + p.spec().size() + " nodes"
                        : "attached to " + p.options().attach())
                + " — group " + p.spec().group().toString().substring(0, 8);
    }

    /**
     * A tab whose view is in the scene only while the tab is selected: a hidden view's updates then cost no CSS or
     * layout on the FX thread (a chart or matrix re-laid out behind another tab on every decision would), and it is
     * styled and laid out once when shown.
     */
    private static Tab tab(String id, String text, javafx.scene.Node content) {
        Tab t = new Tab(text);
        t.setId("tab-" + id);
        t.selectedProperty().addListener((o, was, on) -> t.setContent(on ? content : null));
        return t;
    }

    /** Selects a tab by its id (query, matrix, raft, logs, charts, history). */
    public void select(String id) {
        int i = TABS.indexOf(id);
        tabs.getSelectionModel().select(Math.max(0, i));
    }

    public Scene scene() {
        return scene;
    }

    private MenuBar menus() {
        Menu file = new Menu("_File");
        file.getItems()
                .addAll(
                        item("Export history as JSON…", "Shortcut+E", () -> export("json")),
                        item("Export history as CSV…", "Shortcut+Shift+E", () -> export("csv")),
                        new SeparatorMenuItem(),
                        item("Quit", "Shortcut+Q", stage::close));
        Menu view = new Menu("_View");
        String[] names = {"Query", "Matrix", "Raft log", "Node logs", "Charts", "History", "Audit"};
        for (int i = 0; i < TABS.size(); i++) {
            String id = TABS.get(i);
            view.getItems().add(item(names[i], "Shortcut+" + (i + 1), () -> select(id)));
        }
        view.getItems()
                .addAll(
                        new SeparatorMenuItem(),
                        item("Ask a question", "Shortcut+L", () -> {
                            select("query");
                            queryView.focusQuestion();
                        }),
                        item("Switch dark / light theme", "Shortcut+T", () -> console.theme()
                                .set(console.theme().get().next())),
                        injectedBadges());
        Menu cluster = new Menu("_Cluster");
        cluster.getItems().add(item("Heal all faults", "Shortcut+H", () -> console.faults()
                .healAll()));
        cluster.getItems().add(new SeparatorMenuItem());
        for (var n : console.nodes().nodes()) {
            Menu node = new Menu(n.id());
            console.nodeActions().menuItems(n.id()).forEach(m -> {
                m.setId(null); // the tiles' items carry the ids
                node.getItems().add(m);
            });
            cluster.getItems().add(node);
        }
        Menu help = new Menu("_Help");
        help.getItems()
                .addAll(
                        item("What the terms mean", "F1", () -> problem(Terms.VOTE + "  " + Terms.QUORUM)),
                        item(
                                "Keyboard shortcuts",
                                null,
                                () -> problem("Enter asks · Ctrl+L question field · Ctrl+1…7 views ·"
                                        + " Ctrl+H heal all faults · Ctrl+T theme · Ctrl+E export · Ctrl+Q quit ·"
                                        + " timeline: wheel zooms, drag pans, double-click returns to live")));
        return new MenuBar(file, view, cluster, help);
    }

    private static MenuItem item(String text, String accelerator, Runnable r) {
        MenuItem m = new MenuItem(text);
        if (accelerator != null) {
            m.setAccelerator(KeyCombination.keyCombination(accelerator));
        }
        m.setOnAction(e -> r.run());
        return m;
    }

    private HBox statusBar() {
        NodesViewModel nodes = console.nodes();
        Label health = Fx.label("", "status-text");
        health.setId("status-cluster");
        Runnable showHealth = () -> {
            Status s = nodes.healthProperty().get();
            health.setText(s.glyph() + " " + nodes.summaryProperty().get());
            Fx.status(health, s);
        };
        nodes.healthProperty().addListener((o, a, b) -> showHealth.run());
        nodes.summaryProperty().addListener((o, a, b) -> showHealth.run());
        showHealth.run();
        Label leader = Fx.label("", "mono");
        leader.setId("status-leader");
        leader.textProperty()
                .bind(javafx.beans.binding.Bindings.createStringBinding(
                        () -> "leader "
                                + (nodes.leaderProperty().get().isEmpty()
                                        ? "—"
                                        : nodes.leaderProperty().get()) + " · term "
                                + nodes.termProperty().get(),
                        nodes.leaderProperty(),
                        nodes.termProperty()));
        Fx.explain(leader, Terms.LEADER + "\n\n" + Terms.TERM);
        int n = nodes.spec().size();
        Label size = Fx.label(
                "n " + n + " · q " + nodes.quorum() + " · τ " + nodes.spec().tau(), "mono");
        Fx.explain(size, Terms.QUORUM + "\n\n" + Terms.TAU);
        lastDecision.setId("status-decision");
        Fx.status(lastDecision, Status.OFF);
        console.query().latestProperty().addListener((o, a, r) -> showDecision(r));
        Label faults = Fx.label("", "status-text");
        faults.setId("status-faults");
        faults.textProperty().bind(console.faults().summaryProperty());
        Fx.status(faults, Status.NORMAL);
        console.faults().summaryStatusProperty().addListener((o, a, st) -> Fx.status(faults, st));
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        // The cluster's state, the leader and the figures always show in full; the last decision and the faults give
        // way (with an ellipsis; History and the faults panel hold the rest).
        for (Label fixed : List.of(health, leader, size, clock)) {
            fixed.setMinWidth(Region.USE_PREF_SIZE);
        }
        HBox bar = new HBox(health, leader, size, lastDecision, faults, spacer, clock);
        bar.getStyleClass().add("status-bar");
        bar.setAlignment(Pos.CENTER_LEFT);
        bar.setId("status-bar");
        return bar;
    }

    private void showDecision(QueryRecord r) {
        if (r == null || !r.hasDecision()) {
            return;
        }
        Status s = DecisionFormat.status(r);
        lastDecision.setText(s.glyph() + " " + r.getQuery().getId() + " " + DecisionFormat.banner(r));
        Fx.status(lastDecision, s);
    }

    private void applyTheme(Theme t) {
        scene.getStylesheets().setAll(t.stylesheets());
    }

    /** Called at the console's pulse (FX thread). */
    void pulse() {
        clock.setText(LocalTime.now().format(CLOCK));
        timelineView.pulse();
    }

    /** Shows a problem in place, across the top, until dismissed or replaced. FX thread. */
    public void problem(String text) {
        notifications.setText(text);
        notifications.show();
    }

    private void reopen(String queryId) {
        if (console.query().reopen(queryId)) {
            select("query");
        }
    }

    /** Shows a node's output in the Node logs view. FX thread. */
    public void showLogOf(String node) {
        logsView.showNode(node);
        select("logs");
    }

    private void export(String kind) {
        FileChooser chooser = new FileChooser();
        chooser.setTitle("Export decision history");
        chooser.setInitialFileName("decisions." + kind);
        chooser.getExtensionFilters().add(new FileChooser.ExtensionFilter(kind.toUpperCase(), "*." + kind));
        File f = chooser.showSaveDialog(stage);
        if (f == null) {
            return;
        }
        Path path = f.toPath();
        List<QueryRecord> snapshot = List.copyOf(console.query().history());
        console.act("Export to " + path, () -> {
            console.query().export(path, snapshot);
            Platform.runLater(() -> problem("Exported " + snapshot.size() + " decisions to " + path));
        });
    }

    private void exportAudit(Runnable done) {
        FileChooser chooser = new FileChooser();
        chooser.setTitle("Export the audit journal");
        chooser.setInitialFileName("audit.jsonl");
        chooser.getExtensionFilters().add(new FileChooser.ExtensionFilter("JSON Lines", "*.jsonl"));
        File f = chooser.showSaveDialog(stage);
        if (f == null) {
            return;
        }
        Path path = f.toPath();
        console.act("Export the audit journal to " + path, () -> {
            int n = console.controller()
                    .journal()
                    .export(console.prepared().spec().group(), path);
            Platform.runLater(() -> {
                problem("Exported " + n + " audit events to " + path);
                done.run();
            });
        });
    }

    /** The instructor's setting: badges on the answers of nodes with a Byzantine fault, or none for a trainee. */
    private javafx.scene.control.CheckMenuItem injectedBadges() {
        var item = new javafx.scene.control.CheckMenuItem("Show injected-fault badges on answers (instructor)");
        item.setId("menu-injected-badges");
        item.selectedProperty().bindBidirectional(queryView.showInjectedProperty());
        return item;
    }

    /** Remembers window size, dividers and tab in the console settings (saved on close). FX thread. */
    void saveLayout() {
        ConsoleSettings s = console.settings();
        s.put("window.width", scene.getWidth());
        s.put("window.height", scene.getHeight());
        s.put("divider.columns", columns.getDividerPositions()[0]);
        s.put("divider.faults", columns.getDividerPositions()[1]);
        s.put("divider.rows", rows.getDividerPositions()[0]);
        s.put("tab", TABS.get(Math.max(0, tabs.getSelectionModel().getSelectedIndex())));
        s.put(
                "badges.injected",
                Boolean.toString(queryView.showInjectedProperty().get()));
    }
}
