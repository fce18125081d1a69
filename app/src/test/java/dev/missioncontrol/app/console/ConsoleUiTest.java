package dev.missioncontrol.app.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.missioncontrol.app.nodes.NodeViewModel;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javafx.scene.control.Label;
import javafx.scene.input.KeyCode;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The real console (headless) over a real local cluster of three node JVMs it supervises: ask through the question
 * field, read the cards, matrix and banner; kill a node from its tile and see the next decision degrade; restart it
 * and see it rejoin. Nodes all retrieve with MiniLM here, so two answers of the same question agree and a missing
 * node makes the decision DEGRADED rather than a disagreement.
 */
@Timeout(value = 15, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleUiTest {
    @TempDir
    static Path data;

    static Console console;
    static final FxRobot robot = new FxRobot();

    @BeforeAll
    static void open() throws Exception {
        var options = new ConsoleOptions(data, 3, List.of("all-minilm-l6-v2"), 10_000, null);
        Console.Prepared prepared = Console.prepare(options);
        FxToolkit.registerPrimaryStage();
        AtomicReference<Console> opened = new AtomicReference<>();
        FxToolkit.setupStage(stage -> {
            opened.set(Console.open(stage, prepared));
            stage.setWidth(1440);
            stage.setHeight(900);
            stage.show();
        });
        console = opened.get();
        WaitForAsyncUtils.waitFor(
                300, TimeUnit.SECONDS, () -> console.nodes().readyProperty().get());
    }

    @AfterAll
    static void close() throws Exception {
        if (console != null) {
            FxToolkit.setupFixture(() -> console.close());
            FxToolkit.cleanupStages();
        }
    }

    private static void ask(String question) throws Exception {
        var before = console.query().shownProperty().get();
        robot.clickOn("#question").eraseText(200).write(question).type(KeyCode.ENTER);
        WaitForAsyncUtils.waitFor(
                60,
                TimeUnit.SECONDS,
                () -> console.query().shownProperty().get() != before
                        || !console.query().errorProperty().get().isEmpty());
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(console.query().errorProperty().get()).isEmpty();
    }

    private static String text(String query) {
        javafx.scene.Node n = robot.lookup(query).query();
        return n instanceof Prose p ? p.getText() : ((Label) n).getText();
    }

    @Test
    @Order(1)
    void aQuestionGetsThreeCardsTheMatrixAndConsensus() throws Exception {
        assertThat(text("#status-cluster")).contains("healthy: 3 of 3 up");
        ask("What is the nominal main bus voltage?");
        assertThat(text("#banner-status")).contains("CONSENSUS").doesNotContain("NO");
        assertThat(robot.lookup("#answer-cards").queryAs(HBox.class).getChildren())
                .extracting(javafx.scene.Node::getId)
                .containsExactly("card-n1", "card-n2", "card-n3");
        assertThat(text("#winner-text")).contains("28");
        robot.press(KeyCode.CONTROL, KeyCode.DIGIT2).release(KeyCode.DIGIT2, KeyCode.CONTROL);
        WaitForAsyncUtils.waitForFxEvents();
        GridPane matrix = robot.lookup("#matrix").queryAs(GridPane.class);
        assertThat(matrix.isVisible()).isTrue();
        assertThat(robot.lookup("#cell-n1-n1").queryAs(Label.class).getText()).isEqualTo("1.000");
        assertThat(robot.from(matrix).lookup(".matrix-cell").queryAll()).hasSize(9);
        robot.press(KeyCode.CONTROL, KeyCode.DIGIT1).release(KeyCode.DIGIT1, KeyCode.CONTROL);
    }

    @Test
    @Order(2)
    void aKilledNodeGoesDownAndTheNextDecisionIsDegraded() throws Exception {
        NodeViewModel n3 = console.nodes().node("n3");
        robot.rightClickOn("#tile-n3");
        robot.clickOn("#kill-n3");
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> "DOWN".equals(n3.role()));
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(robot.from(robot.lookup("#tile-n3").queryParent())
                        .lookup(".role")
                        .queryAs(Label.class)
                        .getText())
                .contains("DOWN");
        // If n3 led, the others elect a new leader first.
        WaitForAsyncUtils.waitFor(
                20,
                TimeUnit.SECONDS,
                () -> console.nodes().summaryProperty().get().equals("n3 down: 2 of 3 up"));
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(text("#status-cluster")).contains("n3 down: 2 of 3 up");
        ask("What is the battery charge current limit?");
        assertThat(text("#banner-status")).contains("DEGRADED");
        assertThat(text("#banner-detail")).contains("2 of 3 answered");
        assertThat(robot.lookup("#card-n3").queryParent().getStyleClass()).contains("missing");
    }

    @Test
    @Order(3)
    void aRestartedNodeRejoins() throws Exception {
        NodeViewModel n3 = console.nodes().node("n3");
        robot.rightClickOn("#tile-n3");
        robot.clickOn("#restart-n3");
        WaitForAsyncUtils.waitFor(
                120, TimeUnit.SECONDS, () -> n3.up() && n3.health() == dev.missioncontrol.styles.Status.NORMAL);
        WaitForAsyncUtils.waitFor(
                20,
                TimeUnit.SECONDS,
                () -> console.nodes().healthProperty().get() == dev.missioncontrol.styles.Status.NORMAL);
        ask("What is the nominal main bus voltage?");
        assertThat(text("#banner-status")).contains("CONSENSUS");
        assertThat(console.query().shownProperty().get().getAnswersCount()).isEqualTo(3);
    }

    @Test
    @Order(4)
    void anEmptyQuestionCannotBeSubmitted() {
        robot.clickOn("#question").eraseText(200);
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(robot.lookup("#submit").queryButton().isDisabled()).isTrue();
        int before = console.query().history().size();
        robot.type(KeyCode.ENTER);
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(console.query().errorProperty().get()).contains("Type a question");
        assertThat(console.query().history()).hasSize(before);
    }

    @Test
    @Order(5)
    void aNodeWithDamagedRaftDataShowsWhyOnItsTileAndIsRebuiltFromTheLeader() throws Exception {
        NodeViewModel n3 = console.nodes().node("n3");
        robot.rightClickOn("#tile-n3");
        robot.clickOn("#kill-n3");
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> "DOWN".equals(n3.role()));
        java.nio.file.Path raft = console.prepared().files().nodeDir("n3").resolve("raft");
        java.nio.file.Path segment;
        try (var files = java.nio.file.Files.walk(raft)) {
            segment = files.filter(f -> f.getFileName().toString().startsWith("log_"))
                    .sorted()
                    .findFirst()
                    .orElseThrow();
        }
        byte[] bytes = java.nio.file.Files.readAllBytes(segment);
        for (int i = 600; i < 640; i++) {
            bytes[i] ^= 0x5a;
        }
        java.nio.file.Files.write(segment, bytes);

        robot.rightClickOn("#tile-n3");
        robot.clickOn("#restart-n3");
        // The node refuses to start; its tile says why, naming the damaged segment.
        WaitForAsyncUtils.waitFor(
                60, TimeUnit.SECONDS, () -> n3.whyProperty().get().contains("is damaged"));
        assertThat(n3.whyProperty().get()).contains(segment.getFileName().toString());

        robot.rightClickOn("#tile-n3");
        robot.clickOn("#rebuild-n3");
        WaitForAsyncUtils.waitFor(
                120, TimeUnit.SECONDS, () -> n3.up() && n3.health() == dev.missioncontrol.styles.Status.NORMAL);
        try (var dirs = java.nio.file.Files.list(raft)) {
            assertThat(dirs.map(d -> d.getFileName().toString())).anyMatch(d -> d.contains(".damaged-"));
        }
        WaitForAsyncUtils.waitFor(
                20,
                TimeUnit.SECONDS,
                () -> console.nodes().healthProperty().get() == dev.missioncontrol.styles.Status.NORMAL);
        ask("What is the battery charge current limit?");
        assertThat(text("#banner-status")).contains("CONSENSUS");
        assertThat(console.query().shownProperty().get().getAnswersCount()).isEqualTo(3);
    }

    @Test
    @Order(6)
    void aSecondConsoleAttachesToTheRunningClusterWithoutOwningIt() throws Exception {
        Path clusterFile = console.prepared().files().clusterFile();
        var options = new ConsoleOptions(data.resolve("attached"), 3, List.of("all-minilm-l6-v2"), 10_000, clusterFile);
        Console.Prepared prepared = Console.prepare(options);
        assertThat(prepared.local()).isFalse();
        AtomicReference<Console> opened = new AtomicReference<>();
        AtomicReference<javafx.stage.Stage> window = new AtomicReference<>();
        FxToolkit.setupFixture(() -> {
            javafx.stage.Stage stage = new javafx.stage.Stage();
            window.set(stage);
            opened.set(Console.open(stage, prepared));
            stage.show();
        });
        Console attached = opened.get();
        try {
            WaitForAsyncUtils.waitFor(
                    60, TimeUnit.SECONDS, () -> attached.nodes().readyProperty().get());
            assertThat(window.get().getTitle()).contains("attached to");
            assertThat(attached.nodes().supervised()).isFalse();
            // The decisions made before it attached are loaded from the nodes.
            WaitForAsyncUtils.waitFor(
                    20,
                    TimeUnit.SECONDS,
                    () -> attached.query().history().size()
                            >= console.query().history().size());
            var before = attached.query().shownProperty().get();
            boolean sent = WaitForAsyncUtils.asyncFx(() -> {
                        attached.query().questionProperty().set("What is the nominal main bus voltage?");
                        return attached.query().submit();
                    })
                    .get(10, TimeUnit.SECONDS);
            assertThat(sent).isTrue();
            WaitForAsyncUtils.waitFor(
                    60, TimeUnit.SECONDS, () -> attached.query().shownProperty().get() != before);
            assertThat(attached.query().shownProperty().get().getDecision().getStatus())
                    .isEqualTo("CONSENSUS");
        } finally {
            FxToolkit.setupFixture(() -> {
                attached.close();
                window.get().close();
            });
        }
        // Closing an attached console leaves the cluster running: no node process of the owning console has ended.
        assertThat(((dev.missioncontrol.app.supervisor.Supervisor) console.control()).processes())
                .allMatch(p -> p.state() == dev.missioncontrol.app.supervisor.NodeProcess.State.RUNNING);
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(console.nodes().summaryProperty().get()).contains("3 of 3 up");
    }
}
