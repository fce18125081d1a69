package dev.missioncontrol.styles;

import java.util.Collection;
import java.util.Locale;

/**
 * The one status scale of the console, worst first. Every tile, badge, banner, link and log line uses it; each status
 * has a colour token and a glyph so it reads without colour vision.
 */
public enum Status {
    /** NO_CONSENSUS, quorum lost, a disputed decision. */
    CRITICAL("■"),
    /** A node down or unreachable. */
    SERIOUS("▲"),
    /** DEGRADED decision, election in progress, node slow. */
    CAUTION("◆"),
    /** CONSENSUS, node healthy, leader stable. */
    NORMAL("●"),
    /** Starting, catching up. */
    STANDBY("◐"),
    /** Stopped on purpose. */
    OFF("○");

    private final String glyph;

    Status(String glyph) {
        this.glyph = glyph;
    }

    public String glyph() {
        return glyph;
    }

    /** The style class that sets {@code -status} to this status's colour, e.g. {@code status-critical}. */
    public String styleClass() {
        return "status-" + name().toLowerCase(Locale.ROOT);
    }

    /** The colour token, e.g. {@code -mc-critical}. */
    public String token() {
        return "-mc-" + name().toLowerCase(Locale.ROOT);
    }

    /** Every status style class, for removing the old one before adding the new. */
    public static final java.util.List<String> STYLE_CLASSES =
            java.util.Arrays.stream(values()).map(Status::styleClass).toList();

    /** The worst of some statuses ({@link #NORMAL} for none); OFF and STANDBY count as better than NORMAL. */
    public static Status worst(Collection<Status> all) {
        Status worst = NORMAL;
        for (Status s : all) {
            if (s.ordinal() < worst.ordinal()) {
                worst = s;
            }
        }
        return worst;
    }
}
