package dev.missioncontrol.cluster.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.missioncontrol.cluster.proto.Answer;
import dev.missioncontrol.cluster.proto.DecisionStatus;
import dev.missioncontrol.cluster.proto.QueryRecord;
import dev.missioncontrol.cluster.vote.Vote;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The other supported cluster sizes with real node JVMs (3 and 5 have their own tests): every node answers and the
 * vote is counted against q(n) = 3 of 4 and 5 of 7.
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class ClusterSizesIT {
    @TempDir
    Path root;

    @ParameterizedTest(name = "{0} nodes")
    @ValueSource(ints = {4, 7})
    void everyNodeAnswersAndTheVoteCountsAgainstTheQuorumOfTheSize(int size) throws Exception {
        try (LocalCluster cluster = new LocalCluster(root, size)) {
            cluster.await("a leader", Duration.ofSeconds(180), () -> cluster.leader() != null);
            QueryRecord r = cluster.client
                    .submit("What is the nominal main bus voltage?")
                    .get(120, TimeUnit.SECONDS);
            assertThat(r.getAnswersList())
                    .extracting(Answer::getNodeId)
                    .hasSize(size)
                    .doesNotHaveDuplicates();
            assertThat(r.getDecision().getClusterSize()).isEqualTo(size);
            assertThat(r.getDecision().getQuorum()).isEqualTo(Vote.quorum(size)).isEqualTo(size == 4 ? 3 : 5);
            assertThat(r.getDecision().getMatrixCount()).isEqualTo(size * size);
            assertThat(r.getDecision().getStatus()).isEqualTo(DecisionStatus.CONSENSUS);
        }
    }
}
