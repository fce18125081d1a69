package dev.missioncontrol.styles;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The console's themes. Each is a palette file of semantic colour tokens ({@code -mc-critical}, {@code -mc-fg}, …)
 * plus the shared {@code console.css}, which is written only in those tokens. Code that paints outside CSS (canvas
 * drawings, TilesFX colours) asks {@link #color(String)} for the same token, so a colour is defined once.
 *
 * <p>Immutable and thread-safe; free of JavaFX so the command line can use it too.
 */
public enum Theme {
    DARK("dark.css"),
    LIGHT("light.css");

    private final String palette;
    private final Map<String, String> colors;

    Theme(String palette) {
        this.palette = palette;
        this.colors = parse(palette);
    }

    /** Stylesheet URLs to install on a scene, palette first. */
    public List<String> stylesheets() {
        return List.of(url(palette).toExternalForm(), url("console.css").toExternalForm());
    }

    /** The {@code #rrggbb} value of a token such as {@code -mc-critical}. */
    public String color(String token) {
        String c = colors.get(token);
        if (c == null) {
            throw new IllegalArgumentException("No colour token " + token + " in theme "
                    + name().toLowerCase(Locale.ROOT) + " (" + palette + "); known: " + colors.keySet());
        }
        return c;
    }

    /** Every token of this palette, in file order. */
    public Map<String, String> tokens() {
        return colors;
    }

    /** The other theme: dark to light and back. */
    public Theme next() {
        return this == DARK ? LIGHT : DARK;
    }

    /** The theme named {@code dark} or {@code light} (any case); dark for anything else. */
    public static Theme named(String name) {
        return name != null && name.strip().equalsIgnoreCase("light") ? LIGHT : DARK;
    }

    private static URL url(String file) {
        return Objects.requireNonNull(Theme.class.getResource(file), "missing stylesheet " + file);
    }

    private static Map<String, String> parse(String file) {
        try (InputStream in = url(file).openStream()) {
            // Enum constants initialise before the enum's static fields, so the pattern cannot be a static field.
            Matcher m = Pattern.compile("(-mc-[a-z0-9-]+)\\s*:\\s*(#[0-9a-fA-F]{6})\\s*;")
                    .matcher(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            Map<String, String> out = new LinkedHashMap<>();
            while (m.find()) {
                out.put(m.group(1), m.group(2).toLowerCase(Locale.ROOT));
            }
            return Map.copyOf(out);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read stylesheet " + file, e);
        }
    }
}
