package dev.missioncontrol.app.charts;

import dev.missioncontrol.cluster.proto.Decision;
import dev.missioncontrol.cluster.proto.QueryRecord;
import javafx.scene.chart.XYChart;

/**
 * Series for the charts, x in seconds since the console started: query latency (submission to decision), the
 * winner's agreement score (its mean similarity to the others), and the leader's commit rate. FX thread only.
 */
public final class ChartsModel {
    static final int MAX_POINTS = 600;

    private final long startedAt;
    private final XYChart.Series<Number, Number> latency = new XYChart.Series<>();
    private final XYChart.Series<Number, Number> agreement = new XYChart.Series<>();
    private final XYChart.Series<Number, Number> commitRate = new XYChart.Series<>();
    private long lastCommit = -1;
    private long lastCommitAt;

    public ChartsModel(long startedAt) {
        this.startedAt = startedAt;
        latency.setName("submission → decision (ms)");
        agreement.setName("winner's mean similarity");
        commitRate.setName("leader commits / s");
    }

    public XYChart.Series<Number, Number> latency() {
        return latency;
    }

    public XYChart.Series<Number, Number> agreement() {
        return agreement;
    }

    public XYChart.Series<Number, Number> commitRate() {
        return commitRate;
    }

    public void decided(QueryRecord r, long elapsedMillis, long now) {
        double x = (now - startedAt) / 1000.0;
        add(latency, x, elapsedMillis);
        Decision d = r.getDecision();
        int w = d.getNodesList().indexOf(d.getWinner());
        if (w >= 0 && w < d.getScoresCount()) {
            add(agreement, x, d.getScores(w));
        }
    }

    /** Samples the leader's commit index; adds a rate point at most once a second. */
    public void commitIndex(long index, long now) {
        if (index <= 0) {
            return;
        }
        if (lastCommit < 0 || index < lastCommit) {
            lastCommit = index;
            lastCommitAt = now;
            return;
        }
        long dt = now - lastCommitAt;
        if (dt >= 1_000) {
            add(commitRate, (now - startedAt) / 1000.0, (index - lastCommit) * 1000.0 / dt);
            lastCommit = index;
            lastCommitAt = now;
        }
    }

    private static void add(XYChart.Series<Number, Number> s, double x, double y) {
        if (s.getData().size() == MAX_POINTS) {
            s.getData().remove(0);
        }
        s.getData().add(new XYChart.Data<>(x, y));
    }
}
