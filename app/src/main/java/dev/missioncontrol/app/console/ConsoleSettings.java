package dev.missioncontrol.app.console;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the console remembers between runs (theme, window size, pane dividers, selected tab), in
 * {@code DATA/console.properties}. A missing or unreadable file means defaults, never a failed start.
 */
public final class ConsoleSettings {
    private static final Logger LOG = LoggerFactory.getLogger(ConsoleSettings.class);

    private final Path file;
    private final Properties props = new Properties();

    public ConsoleSettings(Path file) {
        this.file = file;
        if (Files.isRegularFile(file)) {
            try (Reader r = Files.newBufferedReader(file)) {
                props.load(r);
            } catch (IOException | IllegalArgumentException e) {
                LOG.warn("ignoring unreadable console settings {}: {}", file, e.getMessage());
            }
        }
    }

    public String get(String key, String fallback) {
        return props.getProperty(key, fallback);
    }

    public double getDouble(String key, double fallback) {
        try {
            return Double.parseDouble(props.getProperty(key, Double.toString(fallback)));
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    public void put(String key, Object value) {
        props.setProperty(key, String.valueOf(value));
    }

    /** Writes the file; a failure is logged, the console still closes. */
    public void save() {
        try {
            Files.createDirectories(file.getParent());
            try (Writer w = Files.newBufferedWriter(file)) {
                props.store(w, "Mission Control console layout");
            }
        } catch (IOException e) {
            LOG.warn("could not save console settings to {}: {}", file, e.getMessage());
        }
    }
}
