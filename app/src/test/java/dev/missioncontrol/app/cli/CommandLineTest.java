package dev.missioncontrol.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.missioncontrol.app.Main;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The commands as a user runs them: exit codes, output on stdout, errors on stderr without stack traces. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class CommandLineTest {
    @TempDir
    Path data;

    private PrintCapture run(String... args) {
        return PrintCapture.run(() -> Main.execute(args));
    }

    private String dir() {
        return data.toString();
    }

    @Test
    void askLocalPrintsTheJsonAnswerShape() throws Exception {
        PrintCapture r = run(
                "ask",
                "--local",
                "--data-dir",
                dir(),
                "--embedding-model",
                "all-minilm-l6-v2-int8",
                "What is the maximum charge voltage of the battery?");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode json = new ObjectMapper().readTree(r.out());
        assertThat(json.path("answer").asText()).contains("33.2 V");
        assertThat(json.path("citations").path(0).path("chunk").asText()).isEqualTo("eps-battery");
        assertThat(json.path("confidence").asDouble()).isBetween(0.5, 1.0);
        assertThat(json.path("action").asText()).isEqualTo("inform");
    }

    @Test
    void aQuestionOverTheLimitIsRefusedAndOneOverTheModelWindowIsCutWithAWarning() throws Exception {
        String huge = "What is the maximum charge voltage of the battery? " + "padding words ".repeat(8000);
        PrintCapture refused =
                run("ask", "--local", "--data-dir", dir(), "--embedding-model", "all-minilm-l6-v2-int8", huge);
        assertThat(refused.code()).isEqualTo(2);
        assertThat(refused.err())
                .contains("The question has 112,050 characters; the limit is 2,000")
                .doesNotContain("\tat ");
        // 1,899 characters fit the limit but not the int8 model's 128-token window.
        String long_ = "What is the maximum charge voltage of the battery? " + "padding words ".repeat(132);
        PrintCapture cut =
                run("ask", "--local", "--data-dir", dir(), "--embedding-model", "all-minilm-l6-v2-int8", long_);
        assertThat(cut.code()).as(cut.err()).isZero();
        assertThat(cut.err()).contains("warning: The question was").contains("only the first");
        assertThat(new ObjectMapper().readTree(cut.out()).has("answer")).isTrue();
    }

    @Test
    void rejoinWithoutALocalClusterOrWithAnUnknownNodeSaysSo() throws Exception {
        PrintCapture none = run("cluster", "rejoin", "n3", "--data-dir", dir());
        assertThat(none.code()).isEqualTo(1);
        assertThat(none.err()).contains("error: no local cluster in").contains("cluster up");

        Path clusterDir = data.resolve("cluster");
        java.nio.file.Files.createDirectories(clusterDir);
        dev.missioncontrol.cluster.config.ClusterSpec.loopback(3, List.of("all-minilm-l6-v2"))
                .write(clusterDir.resolve("cluster.conf"));
        PrintCapture unknown = run("cluster", "rejoin", "n9", "--data-dir", dir());
        assertThat(unknown.code()).isEqualTo(1);
        assertThat(unknown.err())
                .contains("the cluster has no node n9")
                .contains("n1, n2, n3")
                .doesNotContain("\tat ");
    }

    @Test
    void anEmptyQuestionIsAClearUsageError() {
        PrintCapture r = run("ask", "--local", "--data-dir", dir(), "   ");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("the question is empty").doesNotContain("Exception");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void aMissingGgufFileIsNamed() {
        Path gguf = data.resolve("missing.gguf");
        PrintCapture r =
                run("ask", "--local", "--data-dir", dir(), "--generator", "llama", "--gguf", gguf.toString(), "q?");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err())
                .contains("error: GGUF model file")
                .contains(gguf.toString())
                .doesNotContain("\tat ");
    }

    @Test
    void aServerThatDoesNotAnswerIsNamed() {
        PrintCapture r = run(
                "ask",
                "--local",
                "--data-dir",
                dir(),
                "--generator",
                "openai",
                "--url",
                "http://127.0.0.1:9/v1",
                "--llm-model",
                "m",
                "q?");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("127.0.0.1:9").contains("does not answer").doesNotContain("\tat ");
    }

    @Test
    void ingestReportsChunksAndABadFileChangesNothing() throws Exception {
        Path good = Files.writeString(
                data.resolve("memo.md"),
                "# Memo\n## Star tracker 2\nSTR-2 baffle is contaminated; prefer STR-1 until the next review.\n");
        PrintCapture ok = run(
                "ingest",
                "--local",
                "--data-dir",
                dir(),
                "--embedding-model",
                "all-minilm-l6-v2-int8",
                good.toString());
        assertThat(ok.code()).as(ok.err()).isZero();
        assertThat(ok.out()).contains("ingested").contains("1 chunks");

        Path bad = Files.write(data.resolve("scan.pdf"), new byte[] {1, 2, 3});
        PrintCapture fail = run(
                "ingest", "--local", "--data-dir", dir(), "--embedding-model", "all-minilm-l6-v2-int8", bad.toString());
        assertThat(fail.code()).isEqualTo(1);
        assertThat(fail.err()).contains(bad.toString()).contains("unchanged").doesNotContain("\tat ");
    }

    @Test
    void evalReportsBothHalvesOfTheUsersSetAndRefusesAnUnknownPart() throws Exception {
        PrintCapture r = run(
                "eval",
                "--data-dir",
                dir(),
                "--set",
                "users",
                "--models",
                "all-minilm-l6-v2-int8",
                "--modes",
                "hybrid",
                "--json");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("users     tune").contains("users     test");
        String[] lines = r.out().strip().split("\n");
        JsonNode test = new ObjectMapper()
                .readTree(lines[lines.length - 1])
                .path("sets")
                .path("users")
                .path("test");
        assertThat(test.path("questions").asInt()).isGreaterThanOrEqualTo(45);
        assertThat(test.path("unanswerable_refused").asDouble()).isBetween(0.7, 1.0); // int8 measured 0.722
        assertThat(test.path("answerable_refused").asDouble()).isBetween(0.0, 0.10); // int8 measured 0.000

        PrintCapture bad = run("eval", "--data-dir", dir(), "--without", "vote");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("--without takes");
        PrintCapture noCluster = run("eval", "--data-dir", dir(), "--cluster");
        assertThat(noCluster.code()).isEqualTo(1);
        assertThat(noCluster.err()).contains("No cluster is running");
    }

    @Test
    void askingWithoutARunningClusterSaysHowToStartOne() {
        PrintCapture r = run("ask", "--data-dir", dir(), "What is the bus voltage?");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("No cluster is running").contains("cluster up");
    }

    @Test
    void aWrongClusterFileNamesTheLine() throws Exception {
        Path file = Files.writeString(
                data.resolve("bad.conf"),
                "group = 3f0c5a1e-8d2b-4c61-9f43-0b7e2a9d6c11\nnode n1 127.0.0.1 raft=7101 api=seven metrics=7301\n");
        PrintCapture r = run("cluster", "status", "--data-dir", dir(), "--cluster", file.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains(file + " line 2").contains("'seven' is not a port number");
    }

    @Test
    void aBadConfigurationFileNamesTheKey() throws Exception {
        Path config = Files.writeString(data.resolve("node.properties"), "retrieval.top-k = many\n");
        PrintCapture r = run("ask", "--local", "--config", config.toString(), "What is the bus voltage?");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains(config.toString()).contains("retrieval.top-k");
    }

    @Test
    void askExitsThreeWithoutConsensusAndFourWhenTheFollowersOverruledTheLeader() {
        var ok = dev.missioncontrol.app.console.FakeCluster.record(
                "e1", "q", dev.missioncontrol.cluster.proto.DecisionStatus.CONSENSUS, "n1", "n2", "n3");
        var none = dev.missioncontrol.app.console.FakeCluster.record(
                "e2", "q", dev.missioncontrol.cluster.proto.DecisionStatus.NO_CONSENSUS, "n1", "n2", "n3");
        var overruled = ok.toBuilder()
                .setOverruled(ok.getDecision())
                .addOverruledBy("n2")
                .build();
        assertThat(ClusterAsk.exitCode(ok)).isZero();
        assertThat(ClusterAsk.exitCode(none)).isEqualTo(3);
        assertThat(ClusterAsk.exitCode(overruled)).isEqualTo(4);
    }
}
