package dev.missioncontrol.app.console;

import java.util.Arrays;

/**
 * Intervals between the FX pulses the console's animation timer sees, for {@code bench console}: a long interval is a
 * stall of the FX thread. FX thread only.
 */
public final class PulseMeter {
    private long[] intervals = new long[1 << 14];
    private int count;
    private long last = -1;
    private boolean on;

    public void start() {
        count = 0;
        last = -1;
        on = true;
    }

    public void stop() {
        on = false;
    }

    void pulse(long nanos) {
        if (!on) {
            return;
        }
        if (last >= 0) {
            if (count == intervals.length) {
                intervals = Arrays.copyOf(intervals, count * 2);
            }
            intervals[count++] = nanos - last;
        }
        last = nanos;
    }

    /** The intervals measured since {@link #start()}, in milliseconds. */
    public double[] intervalsMillis() {
        double[] out = new double[count];
        for (int i = 0; i < count; i++) {
            out[i] = intervals[i] / 1e6;
        }
        return out;
    }
}
