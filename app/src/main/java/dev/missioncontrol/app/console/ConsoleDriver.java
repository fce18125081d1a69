package dev.missioncontrol.app.console;

import dev.missioncontrol.cluster.proto.QueryRecord;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import javafx.application.Platform;
import javafx.embed.swing.SwingFXUtils;
import javafx.scene.image.WritableImage;
import javafx.stage.Stage;
import javax.imageio.ImageIO;

/**
 * Drives a real console from another thread: opens it (optionally without a screen, on JavaFX's headless platform),
 * waits for conditions on the FX thread, asks questions the way the question field does, and writes screenshots. Used
 * by {@code console --screenshots} and {@code bench console}.
 */
public final class ConsoleDriver implements AutoCloseable {
    private final Console console;
    private final Stage stage;

    private ConsoleDriver(Console console, Stage stage) {
        this.console = console;
        this.stage = stage;
    }

    /** Selects JavaFX's headless platform (software rendering); call before the toolkit starts. */
    public static void headless() {
        System.setProperty("glass.platform", "Headless");
        System.setProperty("prism.order", "sw");
        System.setProperty("java.awt.headless", "true");
    }

    /** Starts the toolkit if needed, opens a console window and shows it. */
    public static ConsoleDriver open(Console.Prepared prepared, double width, double height) throws Exception {
        CompletableFuture<Void> started = new CompletableFuture<>();
        try {
            Platform.startup(() -> started.complete(null));
        } catch (IllegalStateException alreadyRunning) {
            started.complete(null);
        }
        started.get(30, TimeUnit.SECONDS);
        Platform.setImplicitExit(false);
        CompletableFuture<ConsoleDriver> opened = new CompletableFuture<>();
        Platform.runLater(() -> {
            try {
                Stage stage = new Stage();
                Console c = Console.open(stage, prepared);
                stage.setWidth(width);
                stage.setHeight(height);
                stage.show();
                opened.complete(new ConsoleDriver(c, stage));
            } catch (RuntimeException | Error e) {
                opened.completeExceptionally(e);
            }
        });
        return opened.get(30, TimeUnit.SECONDS);
    }

    public Console console() {
        return console;
    }

    /** Runs on the FX thread and returns the result. */
    public <T> T fx(Callable<T> work) throws Exception {
        CompletableFuture<T> f = new CompletableFuture<>();
        Platform.runLater(() -> {
            try {
                f.complete(work.call());
            } catch (Exception | Error e) {
                f.completeExceptionally(e);
            }
        });
        try {
            return f.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception ex ? ex : e;
        }
    }

    /** Polls a condition on the FX thread every 50 ms until it holds; fails with {@code what} after the timeout. */
    public void await(String what, long timeoutMillis, Supplier<Boolean> condition) throws Exception {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (!fx(condition::get)) {
            if (System.nanoTime() > end) {
                throw new TimeoutException("Timed out after " + timeoutMillis + " ms waiting for " + what);
            }
            Thread.sleep(50);
        }
    }

    /** Selects a view by its tab id (see {@link MainView#TABS}) and lets it lay out. */
    public void select(String tab) throws Exception {
        fx(() -> {
            console.view().select(tab);
            return null;
        });
        Thread.sleep(300);
    }

    /** Waits until the cluster is ready and returns the seconds from the console's start to that moment. */
    public double awaitReady(long timeoutMillis) throws Exception {
        await("the cluster to be ready", timeoutMillis, () -> console.nodes()
                .readyProperty()
                .get());
        return fx(() -> (console.nodes().readyAtProperty().get() - console.startedAt()) / 1000.0);
    }

    /** Types the question into the model behind the field, submits it, waits for the decision and returns it. */
    public QueryRecord ask(String question, long timeoutMillis) throws Exception {
        QueryRecord before = fx(() -> console.query().shownProperty().get());
        boolean sent = fx(() -> {
            console.query().questionProperty().set(question);
            return console.query().submit();
        });
        if (!sent) {
            throw new IllegalStateException("Could not submit: "
                    + fx(() -> console.query().errorProperty().get()));
        }
        await("the decision of \"" + question + "\"", timeoutMillis, () -> !console.query()
                .busyProperty()
                .get());
        String error = fx(() -> console.query().errorProperty().get());
        QueryRecord after = fx(() -> console.query().shownProperty().get());
        if (!error.isEmpty() || after == before) {
            throw new IllegalStateException("No decision: " + error);
        }
        return after;
    }

    /** Writes what the window shows now to a PNG file. */
    public void screenshot(Path png) throws Exception {
        WritableImage image = fx(() -> {
            stage.getScene().getRoot().applyCss();
            stage.getScene().getRoot().layout();
            return stage.getScene().snapshot(null);
        });
        BufferedImage buffered = SwingFXUtils.fromFXImage(image, null);
        Files.createDirectories(png.toAbsolutePath().getParent());
        if (!ImageIO.write(buffered, "png", png.toFile())) {
            throw new IOException("No PNG writer for " + png);
        }
    }

    /** Closes the window and the console (stopping its nodes). */
    @Override
    public void close() {
        try {
            fx(() -> {
                stage.hide();
                return null;
            });
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // The toolkit is gone already: there is no window left to hide.
        }
        console.close();
    }
}
