package dev.missioncontrol.app.raftlog;

import dev.missioncontrol.app.console.Fx;
import dev.missioncontrol.app.console.Fx.Terms;
import dev.missioncontrol.app.nodes.NodeViewModel;
import dev.missioncontrol.app.nodes.NodesViewModel;
import dev.missioncontrol.cluster.proto.LogEntryView;
import dev.missioncontrol.cluster.proto.NodeStatus;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javafx.geometry.Insets;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

/**
 * Each node's last log entries side by side (index, term, type, summary). Entries past the node's commit index are in
 * italics, the commit index is marked, and an entry whose index holds something different on another node is
 * highlighted: after a partition heals, that is the uncommitted tail Raft is about to overwrite.
 */
public final class RaftLogView extends VBox {
    private final NodesViewModel model;
    private final Map<String, ListView<LogEntryView>> lists = new HashMap<>();
    private final Map<String, Label> heads = new HashMap<>();
    private boolean active;
    private boolean stale = true;

    public RaftLogView(NodesViewModel model) {
        super(8);
        this.model = model;
        setId("raft-log");
        setPadding(new Insets(10));
        HBox columns = new HBox(8);
        VBox.setVgrow(columns, Priority.ALWAYS);
        for (NodeViewModel n : model.nodes()) {
            ListView<LogEntryView> list = new ListView<>();
            list.setId("raft-log-" + n.id());
            list.setCellFactory(v -> new EntryCell(n.id()));
            Label head = Fx.label(n.id(), "title", "mono");
            Fx.explain(head, Terms.COMMIT);
            VBox col = new VBox(4, head, list);
            VBox.setVgrow(list, Priority.ALWAYS);
            HBox.setHgrow(col, Priority.ALWAYS);
            col.setPrefWidth(260);
            columns.getChildren().add(col);
            lists.put(n.id(), list);
            heads.put(n.id(), head);
            n.recentProperty().addListener((o, a, b) -> {
                if (active) {
                    refresh();
                } else {
                    stale = true;
                }
            });
        }
        getChildren()
                .addAll(
                        Fx.label(
                                "Last entries of each node's log, newest at the bottom. ✓ committed · italics: not yet"
                                        + " committed · highlighted: differs from another node at the same index.",
                                "muted"),
                        columns);
    }

    /** Only the view on screen follows the logs; a hidden one catches up when shown. FX thread. */
    public void active(boolean on) {
        active = on;
        if (on && stale) {
            refresh();
        }
    }

    private void refresh() {
        stale = false;
        Map<Long, String> seen = new HashMap<>();
        Map<Long, Boolean> differs = new HashMap<>();
        for (NodeViewModel n : model.nodes()) {
            for (LogEntryView e : n.recentProperty().get()) {
                String key = e.getTerm() + "|" + e.getType() + "|" + e.getSummary();
                String before = seen.putIfAbsent(e.getIndex(), key);
                if (before != null && !before.equals(key)) {
                    differs.put(e.getIndex(), true);
                }
            }
        }
        for (NodeViewModel n : model.nodes()) {
            NodeStatus s = n.statusProperty().get();
            long commit = s == null ? 0 : s.getCommitIndex();
            heads.get(n.id()).setText(n.id() + "   commit " + commit + (n.up() ? "" : "   (" + n.role() + ")"));
            ListView<LogEntryView> list = lists.get(n.id());
            List<LogEntryView> entries = n.recentProperty().get();
            list.getProperties().put("commit", commit);
            list.getProperties().put("differs", differs);
            list.getItems().setAll(entries);
            if (!entries.isEmpty()) {
                list.scrollTo(entries.size() - 1);
            }
        }
    }

    private static final class EntryCell extends ListCell<LogEntryView> {
        EntryCell(String node) {
            getStyleClass().add("raft-entry");
        }

        @Override
        protected void updateItem(LogEntryView e, boolean empty) {
            super.updateItem(e, empty);
            getStyleClass().removeAll("uncommitted", "differs");
            if (empty || e == null) {
                setText(null);
                return;
            }
            long commit = (long) getListView().getProperties().getOrDefault("commit", 0L);
            @SuppressWarnings("unchecked")
            Map<Long, Boolean> differs =
                    (Map<Long, Boolean>) getListView().getProperties().getOrDefault("differs", Map.of());
            boolean committed = e.getIndex() <= commit;
            setText(String.format(
                    java.util.Locale.ROOT,
                    "%s %5d  t%-3d %-10s %s%s",
                    committed ? "✓" : " ",
                    e.getIndex(),
                    e.getTerm(),
                    e.getType().replace("KNOWLEDGE_UPDATE", "KNOWLEDGE"),
                    e.getSummary(),
                    e.getIndex() == commit ? "  ◀ commit" : ""));
            if (!committed) {
                getStyleClass().add("uncommitted");
            }
            if (differs.containsKey(e.getIndex())) {
                getStyleClass().add("differs");
            }
        }
    }
}
