package dev.missioncontrol.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.missioncontrol.app.bench.EmbedBenchWorker;
import dev.missioncontrol.app.bench.FaultBench;
import dev.missioncontrol.models.embed.EmbeddingModel;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code bench …}: benchmarks that print the product's performance figures. */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = "Measure performance; prints the figures.",
        subcommands = {
            BenchCommand.Embed.class,
            BenchCommand.Cluster.class,
            BenchCommand.ConsoleFigures.class,
            BenchCommand.Faults.class,
            BenchCommand.Byzantine.class,
            BenchCommand.Generators.class
        })
public final class BenchCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** A benchmark that prints its figures as it goes and, with {@code --json}, ends with them as one JSON line. */
    abstract static class Figures implements Callable<Integer> {
        @Mixin
        PipelineOptions pipeline;

        @Option(names = "--json", description = "End with one JSON line of the figures.")
        boolean json;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        /** Runs the benchmark over the data directory, printing to {@code out}; returns the figures. */
        abstract ObjectNode figures(Path dataDir, PrintWriter out) throws Exception;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            ObjectNode figures = figures(pipeline.toConfig().dataDir(), out);
            if (json) {
                out.println(figures);
            }
            out.flush();
            return 0;
        }
    }

    /** {@code bench embed}: each embedding model in its own JVM. */
    @Command(
            name = "embed",
            mixinStandardHelpOptions = true,
            description = "Per embedding model, in a fresh JVM each: single-sentence p50/p99 latency, sentences/s, then"
                    + " one whole pipeline (handbook index build, retrieval p50, answer p50) and the JVM's peak RSS.")
    static final class Embed implements Callable<Integer> {
        @Mixin
        PipelineOptions pipeline;

        @Option(names = "--json", description = "End with one JSON line holding every model's figures.")
        boolean json;

        @Option(names = "--samples", defaultValue = "400", description = "Timed sentences per model (default 400).")
        int samples;

        @Option(names = "--models", split = ",", paramLabel = "ID", description = "Models to measure (default: all).")
        List<String> models;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws IOException, InterruptedException {
            PrintWriter out = spec.commandLine().getOut();
            List<EmbeddingModel> ms = models == null
                    ? Arrays.asList(EmbeddingModel.values())
                    : models.stream().map(EmbeddingModel::byId).toList();
            String java = ProcessHandle.current().info().command().orElse("java");
            List<String> jvmArgs = ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                    .filter(a -> !a.startsWith("-agentlib") && !a.startsWith("-javaagent"))
                    .toList();
            out.printf(Locale.ROOT, "JVM flags of each run: %s%n", String.join(" ", jvmArgs));
            out.printf(
                    Locale.ROOT,
                    "%-22s %8s %8s %10s %9s %10s %9s %9s %9s%n",
                    "model",
                    "p50 ms",
                    "p99 ms",
                    "sent/s",
                    "load ms",
                    "index ms",
                    "ret p50",
                    "ans p50",
                    "peak RSS");
            out.flush();
            ObjectMapper mapper = new ObjectMapper();
            ArrayNode results = mapper.createArrayNode();
            for (EmbeddingModel m : ms) {
                List<String> cmd = new ArrayList<>();
                cmd.add(java);
                cmd.addAll(jvmArgs);
                cmd.addAll(List.of(
                        "-cp",
                        System.getProperty("java.class.path"),
                        EmbedBenchWorker.class.getName(),
                        m.id(),
                        String.valueOf(samples),
                        pipeline.toConfig()
                                .dataDir()
                                .resolve("models")
                                .toAbsolutePath()
                                .toString()));
                Process p = new ProcessBuilder(cmd)
                        .redirectError(ProcessBuilder.Redirect.INHERIT)
                        .start();
                String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
                if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
                    p.destroyForcibly();
                    spec.commandLine()
                            .getErr()
                            .println("error: the benchmark of " + m.id() + " failed (exit "
                                    + (p.isAlive() ? "timeout" : p.exitValue()) + ").");
                    return 1;
                }
                JsonNode r = mapper.readTree(output.lines().reduce((a, b) -> b).orElse("{}"));
                results.add(r);
                out.printf(
                        Locale.ROOT,
                        "%-22s %8.2f %8.2f %10.1f %9.0f %10.0f %9.2f %9.2f %6.0f MB%n",
                        m.id(),
                        r.path("p50_ms").asDouble(),
                        r.path("p99_ms").asDouble(),
                        r.path("sentences_per_s").asDouble(),
                        r.path("load_ms").asDouble(),
                        r.path("index_build_ms").asDouble(),
                        r.path("retrieval_p50_ms").asDouble(),
                        r.path("answer_p50_ms").asDouble(),
                        r.path("peak_rss_mb").asDouble());
                out.flush();
            }
            out.println(
                    "p50/p99: one question embedded alone; index: handbook index built from scratch; ret: index search"
                            + " for one question; ans: whole grounded answer; peak RSS: the JVM's VmHWM.");
            if (json) {
                out.println(mapper.createObjectNode().set("models", results));
            }
            out.flush();
            return 0;
        }
    }

    /** {@code bench cluster}: consensus against one process, throughput, Raft commits, failover, node memory. */
    @Command(
            name = "cluster",
            mixinStandardHelpOptions = true,
            description = "Start a 3-node loopback cluster and measure end-to-end latency against the same pipeline"
                    + " in one process, decided queries/s with 8 clients, raw Raft commits/s, failover after"
                    + " SIGKILL of the leader, and each node's RSS.")
    static final class Cluster extends Figures {
        @Option(names = "--queries", defaultValue = "40", description = "Sequential queries timed (default 40).")
        int queries;

        @Option(names = "--failovers", defaultValue = "10", description = "Failover trials (default 10).")
        int failovers;

        @Override
        ObjectNode figures(Path dataDir, PrintWriter out) throws Exception {
            return ClusterBench.run(dataDir, queries, failovers, out);
        }
    }

    /** {@code bench faults}: each fault's time to confirmation and to back in sync; the leader cut off to a decision. */
    @Command(
            name = "faults",
            mixinStandardHelpOptions = true,
            description = "Start a 3-node loopback cluster and, for each fault type (kill, pause, partition, slow-link,"
                    + " slow-node), measure the time from injection to its confirmation in the cluster and from heal to"
                    + " every node back in sync; then the time from partitioning the leader away to the next decision.")
    static final class Faults extends Figures {
        @Option(names = "--trials", defaultValue = "10", description = "Trials per fault type (default 10).")
        int trials;

        @Override
        ObjectNode figures(Path dataDir, PrintWriter out) throws Exception {
            return FaultBench.run(dataDir, trials, out);
        }
    }

    /** {@code bench generators}: the cost of the OpenAI-compatible HTTP path on a cluster. */
    @Command(
            name = "generators",
            mixinStandardHelpOptions = true,
            description = "The same 3-node loopback cluster on the grounded generator, then on a loopback"
                    + " OpenAI-compatible server that answers at once: the consensus p50/p99 of each and the"
                    + " difference (the HTTP path's overhead).")
    static final class Generators extends Figures {
        @Option(names = "--queries", defaultValue = "40", description = "Sequential queries timed (default 40).")
        int queries;

        @Override
        ObjectNode figures(Path dataDir, PrintWriter out) throws Exception {
            return GeneratorBench.run(dataDir, queries, out);
        }
    }

    /** {@code bench byzantine}: one hallucinating node of 3 and of 4, and the cost of signed entries. */
    @Command(
            name = "byzantine",
            mixinStandardHelpOptions = true,
            description = "Real clusters of 3 and 4 nodes with one hallucinating node: over the evaluation set's"
                    + " answerable questions, the share the hallucination won and the share resolved to a correct"
                    + " answer; then the Ed25519 sign and verify cost per log entry.")
    static final class Byzantine extends Figures {
        @Option(
                names = "--questions",
                defaultValue = "0",
                description = "Ask only the first N answerable questions (default: all of them).")
        int questions;

        @Override
        ObjectNode figures(Path dataDir, PrintWriter out) throws Exception {
            return dev.missioncontrol.app.bench.ByzantineBench.run(dataDir, questions, out);
        }
    }

    /** {@code bench console}: the real console, headless, while questions are submitted back to back. */
    @Command(
            name = "console",
            mixinStandardHelpOptions = true,
            description = "Start the console without a screen over a local 3-node cluster; measure start to cluster"
                    + " ready, the FX pulse interval p50/p99 and longest stall while questions are submitted back to"
                    + " back, and the console's RSS.")
    static final class ConsoleFigures extends Figures {
        @Option(names = "--questions", defaultValue = "100", description = "Questions submitted (default 100).")
        int questions;

        @Option(
                names = "--runs",
                defaultValue = "3",
                description = "Warm runs of the burst; the pulse figures are their median (default 3).")
        int runs;

        @Override
        ObjectNode figures(Path dataDir, PrintWriter out) throws Exception {
            return ConsoleBench.run(dataDir, questions, runs, out);
        }
    }
}
