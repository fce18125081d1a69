package dev.missioncontrol.app.logs;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One line a node printed, with the level its logger gave it (OUT for plain output). */
public record LogLine(long seq, String node, String level, String text) {
    private static final Pattern LEVEL = Pattern.compile("\\b(TRACE|DEBUG|INFO|WARN|ERROR)\\b");

    /** Levels in the order of the filter, most verbose first. */
    public static final java.util.List<String> LEVELS = java.util.List.of("DEBUG", "INFO", "WARN", "ERROR");

    public static LogLine parse(long seq, String node, String text) {
        Matcher m = LEVEL.matcher(text.length() > 60 ? text.substring(0, 60) : text);
        String level = m.find() ? m.group(1) : text.startsWith("\tat ") || text.contains("Exception") ? "ERROR" : "OUT";
        if ("TRACE".equals(level)) {
            level = "DEBUG";
        }
        return new LogLine(seq, node, level, text);
    }

    /** Severity rank: DEBUG 0 … ERROR 3; plain output counts as INFO. */
    public int rank() {
        int i = LEVELS.indexOf(level);
        return i < 0 ? 1 : i;
    }

    public boolean matches(String search) {
        return search.isEmpty() || text.toLowerCase(Locale.ROOT).contains(search.toLowerCase(Locale.ROOT));
    }
}
