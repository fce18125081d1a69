package dev.missioncontrol.cluster.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ClusterSpecTest {
    @TempDir
    Path dir;

    @Test
    void aLoopbackClusterRoundTripsThroughItsFile() {
        for (int n : List.of(3, 4, 5, 7)) {
            ClusterSpec spec = ClusterSpec.loopback(n, ClusterSpec.DIVERSE_MODELS);
            Path file = dir.resolve("c" + n + ".conf");
            spec.write(file);
            ClusterSpec back = ClusterSpec.read(file);
            assertThat(back).isEqualTo(spec);
            assertThat(back.nodes())
                    .extracting(ClusterSpec.NodeSpec::model)
                    .startsWith("all-minilm-l6-v2", "all-minilm-l6-v2-int8", "bge-small-en-v1.5");
        }
    }

    @Test
    void aClusterAcrossHostsHasFixedPortsEveryHostCanShare() {
        ClusterSpec spec = ClusterSpec.forHosts(
                List.of("10.0.0.1", "10.0.0.2", "10.0.0.2"), List.of("all-minilm-l6-v2", "e5-small-v2"), 7100);
        assertThat(spec.nodes())
                .containsExactly(
                        new ClusterSpec.NodeSpec("n1", "10.0.0.1", 7101, 7201, 7301, "all-minilm-l6-v2"),
                        new ClusterSpec.NodeSpec("n2", "10.0.0.2", 7102, 7202, 7302, "e5-small-v2"),
                        new ClusterSpec.NodeSpec("n3", "10.0.0.2", 7103, 7203, 7303, "all-minilm-l6-v2"));
        Path file = dir.resolve("hosts.conf");
        spec.write(file);
        assertThat(ClusterSpec.read(file)).isEqualTo(spec);

        assertThatThrownBy(() -> ClusterSpec.forHosts(List.of("a", " "), List.of("e5-small-v2"), 7100))
                .hasMessageContaining("host 2 is empty");
        assertThatThrownBy(() -> ClusterSpec.forHosts(List.of("a"), List.of("e5-small-v2"), 65400))
                .hasMessageContaining("base port");
    }

    @Test
    void errorsNameTheFileAndLine() throws Exception {
        Path file = Files.writeString(dir.resolve("bad.conf"), """
                group = 3f0c5a1e-8d2b-4c61-9f43-0b7e2a9d6c11
                # a comment
                node n1 127.0.0.1 raft=7101 api=7201 metrics=7301
                node n1 127.0.0.1 raft=7102 api=7202 metrics=7302
                """);
        assertThatThrownBy(() -> ClusterSpec.read(file))
                .hasMessageContaining(file + " line 4")
                .hasMessageContaining("node id n1 appears twice");

        Path ports = Files.writeString(
                dir.resolve("ports.conf"),
                "group = 3f0c5a1e-8d2b-4c61-9f43-0b7e2a9d6c11\nnode n1 127.0.0.1 raft=7101 api=7101 metrics=7301\n");
        assertThatThrownBy(() -> ClusterSpec.read(ports))
                .hasMessageContaining("line 2")
                .hasMessageContaining("port 7101 on 127.0.0.1 is used twice");

        Path tau = Files.writeString(dir.resolve("tau.conf"), "tau = 1.5\n");
        assertThatThrownBy(() -> ClusterSpec.read(tau))
                .hasMessageContaining("line 1")
                .hasMessageContaining("tau");

        Path noGroup = Files.writeString(dir.resolve("nogroup.conf"), "node n1 h raft=1 api=2 metrics=3\n");
        assertThatThrownBy(() -> ClusterSpec.read(noGroup)).hasMessageContaining("no 'group = <uuid>' line");
    }

    @Test
    void eachNodeMayNameItsGeneratorAndABadOneIsRefusedByNode() throws Exception {
        ClusterSpec spec = ClusterSpec.loopback(3, ClusterSpec.DIVERSE_MODELS)
                .withGenerators(java.util.Map.of(
                        "n2",
                                new GeneratorSpec(
                                        "openai", "", "http://127.0.0.1:11434/v1", "qwen2.5:0.5b", "OLLAMA_KEY"),
                        "n3", new GeneratorSpec("llama", "/models/tiny.gguf", "", "", "")));
        Path file = dir.resolve("g.conf");
        spec.write(file);
        assertThat(Files.readString(file))
                .contains(
                        "generator=openai url=http://127.0.0.1:11434/v1 llm-model=qwen2.5:0.5b api-key-env=OLLAMA_KEY")
                .doesNotContain("generator=grounded");
        ClusterSpec back = ClusterSpec.read(file);
        assertThat(back).isEqualTo(spec);
        assertThat(back.nodes())
                .extracting(n -> n.generator().describe())
                .containsExactly("grounded", "qwen2.5:0.5b via openai", "llama tiny.gguf");
        assertThatThrownBy(() -> spec.withGenerators(java.util.Map.of("n9", GeneratorSpec.GROUNDED)))
                .hasMessageContaining("No node 'n9'");

        Files.writeString(
                file,
                Files.readString(file).replace("llm-model=qwen2.5:0.5b ", "").replace("gguf=/models/tiny.gguf", ""));
        assertThatThrownBy(() -> ClusterSpec.read(file))
                .hasMessageContaining("node n2: generator=openai needs llm-model=NAME");
        assertThatThrownBy(() -> new GeneratorSpec("gpt", "", "", "", ""))
                .hasMessageContaining("generator must be grounded, llama or openai, was 'gpt'");
    }
}
