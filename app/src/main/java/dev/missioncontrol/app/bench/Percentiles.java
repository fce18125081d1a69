package dev.missioncontrol.app.bench;

import java.util.Collection;

/** Nearest-rank percentiles, the one definition every benchmark of the product reports. */
public final class Percentiles {
    private Percentiles() {}

    /** The p-th percentile (p in [0, 1]) of the values by nearest rank; NaN when there are none. */
    public static double of(Collection<Double> values, double p) {
        return ofSorted(
                values.stream().mapToDouble(Double::doubleValue).sorted().toArray(), p);
    }

    /** The same over values already sorted ascending. */
    public static double ofSorted(double[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p * sorted.length) - 1;
        return sorted[Math.min(sorted.length - 1, Math.max(0, rank))];
    }
}
