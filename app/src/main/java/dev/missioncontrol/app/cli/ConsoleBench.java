package dev.missioncontrol.app.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.missioncontrol.app.bench.Percentiles;
import dev.missioncontrol.app.console.Console;
import dev.missioncontrol.app.console.ConsoleDriver;
import dev.missioncontrol.app.console.ConsoleOptions;
import dev.missioncontrol.cluster.config.ClusterSpec;
import dev.missioncontrol.cluster.faults.Fault;
import dev.missioncontrol.cluster.node.ProcessStats;
import dev.missioncontrol.knowledge.eval.EvalQuestion;
import dev.missioncontrol.knowledge.eval.EvalSet;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import javafx.application.Platform;

/**
 * {@code bench console}: the real console on JavaFX's headless platform (software rendering, the same scene graph and
 * pulse as on a screen) over a fresh local cluster. Console start to "cluster ready" is timed twice: a first start
 * (which may build every node's index) and a restart of the console over warm data, which is what an operator sees
 * every day. During the burst of questions the faults panel is on screen and a follower is partitioned away (a third of
 * the way in) and healed (two thirds in), so the pulse is measured while faults come and go. With several runs, the
 * pulse figures are the median of the runs'.
 */
final class ConsoleBench {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ConsoleBench() {}

    static ObjectNode run(Path dataDir, int questions, int runs, PrintWriter out) throws Exception {
        ConsoleDriver.headless();
        Path data = dataDir.resolve("bench-console");
        ConsoleOptions options = new ConsoleOptions(data, 3, ClusterSpec.DIVERSE_MODELS, 10_000, null);
        ObjectNode o = JSON.createObjectNode();

        double cold = startToReady(options, out, "first start");
        o.put("first_start_to_ready_s", round(cold));

        List<Double> p99s = new ArrayList<>();
        List<ObjectNode> each = new ArrayList<>();
        for (int run = 1; run <= runs; run++) {
            ObjectNode r = burst(options, questions, out, run);
            each.add(r);
            p99s.add(r.path("pulse_p99_ms").asDouble());
        }
        List<Double> sorted = new ArrayList<>(p99s);
        sorted.sort(Double::compare);
        double median = sorted.get(sorted.size() / 2);
        ObjectNode mid = each.get(p99s.indexOf(median));
        o.setAll(mid);
        o.put("runs", runs);
        o.putPOJO("pulse_p99_ms_each_run", p99s);
        o.put("pulse_p99_ms", round(median));
        out.printf(Locale.ROOT, "FX pulse p99 over %d runs: %s ms; median %.1f ms (target ≤ 33)%n", runs, p99s, median);
        Platform.exit();
        return o;
    }

    /** One warm start of the console and a burst of questions, with a partition injected and healed in it. */
    private static ObjectNode burst(ConsoleOptions options, int questions, PrintWriter out, int run) throws Exception {
        ObjectNode o = JSON.createObjectNode();
        Console.Prepared prepared = Console.prepare(options);
        try (ConsoleDriver d = ConsoleDriver.open(prepared, 1440, 900)) {
            Console c = d.console();
            double warm = d.awaitReady(300_000);
            out.printf(Locale.ROOT, "run %d: console start → cluster ready (warm data): %.2f s%n", run, warm);
            o.put("start_to_ready_s", round(warm));

            List<String> asked = new ArrayList<>();
            for (EvalQuestion q : EvalSet.load()) {
                asked.add(q.question());
            }
            d.ask(asked.get(0), 60_000); // warms the nodes' pipelines before the measured run
            out.printf(
                    "submitting %d questions back to back, a partition injected and healed among them …%n", questions);
            out.flush();
            List<Double> latencies = new ArrayList<>();
            d.fx(() -> {
                c.view().select("query");
                c.pulses().start();
                return null;
            });
            String victim = prepared.spec().nodes().getLast().id();
            int failed = 0;
            for (int i = 0; i < questions; i++) {
                if (i == questions / 3) {
                    d.fx(() -> {
                        c.faults().inject(new Fault.Partition(List.of(victim), List.of()));
                        return null;
                    });
                } else if (i == 2 * questions / 3) {
                    d.fx(() -> {
                        c.faults().healAll();
                        return null;
                    });
                }
                long t = System.nanoTime();
                try {
                    d.ask(asked.get((i + 1) % asked.size()), 60_000);
                    latencies.add((System.nanoTime() - t) / 1e6);
                } catch (IllegalStateException e) {
                    failed++;
                }
            }
            double[] pulses = d.fx(() -> {
                c.pulses().stop();
                return c.pulses().intervalsMillis();
            });
            Arrays.sort(pulses);
            double rss = ProcessStats.rssMb();
            double peak = ProcessStats.peakRssMb();
            double p50 = Percentiles.ofSorted(pulses, 0.50);
            double p99 = Percentiles.ofSorted(pulses, 0.99);
            double max = pulses.length == 0 ? 0 : pulses[pulses.length - 1];
            String faults = d.fx(() -> c.faults().rows().stream()
                    .map(r -> r.id() + " " + r.state())
                    .toList()
                    .toString());
            out.printf(
                    Locale.ROOT,
                    "FX pulse interval over %d pulses: p50 %.1f ms, p99 %.1f ms (target ≤ 33), longest stall %.1f ms;"
                            + " faults %s%n",
                    pulses.length,
                    p50,
                    p99,
                    max,
                    faults);
            out.printf(
                    Locale.ROOT,
                    "questions: %d decided, %d failed; submission → decision p50 %.0f ms%n",
                    latencies.size(),
                    failed,
                    Percentiles.of(latencies, 0.50));
            out.printf(Locale.ROOT, "console RSS: %.0f MB now, %.0f MB peak (target ≤ 500)%n", rss, peak);
            out.flush();
            o.put("pulses", pulses.length);
            o.put("pulse_p50_ms", round(p50));
            o.put("pulse_p99_ms", round(p99));
            o.put("pulse_max_ms", round(max));
            o.put("questions_decided", latencies.size());
            o.put("questions_failed", failed);
            o.put("decision_p50_ms", round(Percentiles.of(latencies, 0.50)));
            o.put("console_rss_mb", Math.round(rss));
            o.put("console_peak_rss_mb", Math.round(peak));
        }
        return o;
    }

    private static double startToReady(ConsoleOptions options, PrintWriter out, String what) throws Exception {
        Console.Prepared prepared = Console.prepare(options);
        try (ConsoleDriver d = ConsoleDriver.open(prepared, 1440, 900)) {
            double s = d.awaitReady(300_000);
            out.printf(Locale.ROOT, "console start → cluster ready (%s): %.2f s%n", what, s);
            out.flush();
            return s;
        }
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
