package dev.missioncontrol.cluster.supervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.missioncontrol.cluster.config.ClusterSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeRepairTest {
    @TempDir
    Path data;

    private final ClusterSpec spec = ClusterSpec.loopback(3, List.of("all-minilm-l6-v2"));

    private Path groupDir(ClusterFiles files) throws Exception {
        Path group = files.nodeDir("n3").resolve("raft").resolve(spec.group().toString());
        Files.createDirectories(group.resolve("current"));
        Files.writeString(group.resolve("current").resolve("log_inprogress_0"), "damaged");
        return group;
    }

    @Test
    void theNodeLeavesTheGroupBeforeItsDataIsSetAsideThenStartsEmptyAndIsAddedBack() throws Exception {
        ClusterFiles files = ClusterFiles.cli(data);
        Path group = groupDir(files);
        List<String> steps = new ArrayList<>();
        Path aside = NodeRepair.rejoin(
                files,
                spec,
                "n3",
                n -> {
                    assertThat(group).as("still in place while the node leaves").exists();
                    steps.add("leave " + n);
                },
                n -> steps.add("add " + n),
                () -> {
                    assertThat(group).as("empty when the node starts").doesNotExist();
                    steps.add("start");
                });
        assertThat(steps).containsExactly("leave n3", "start", "add n3");
        assertThat(aside.getFileName().toString()).startsWith(spec.group() + ".damaged-");
        assertThat(aside.resolve("current").resolve("log_inprogress_0")).hasContent("damaged");
    }

    @Test
    void whenTheNodeCannotLeaveTheGroupItsDataStaysWhereItIsAndNothingStarts() throws Exception {
        ClusterFiles files = ClusterFiles.cli(data);
        Path group = groupDir(files);
        List<String> steps = new ArrayList<>();
        assertThatThrownBy(() -> NodeRepair.rejoin(
                        files,
                        spec,
                        "n3",
                        n -> {
                            throw new IllegalStateException("no quorum");
                        },
                        n -> steps.add("add " + n),
                        () -> steps.add("start")))
                .hasMessageContaining("no quorum");
        assertThat(group.resolve("current").resolve("log_inprogress_0")).hasContent("damaged");
        assertThat(steps).isEmpty();
    }

    @Test
    void anUnknownNodeIsRefusedBeforeAnythingHappens() throws Exception {
        ClusterFiles files = ClusterFiles.cli(data);
        List<String> steps = new ArrayList<>();
        assertThatThrownBy(() -> NodeRepair.rejoin(
                        files, spec, "n9", n -> steps.add("leave"), n -> steps.add("add"), () -> steps.add("start")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(steps).isEmpty();
    }
}
