package dev.missioncontrol.knowledge.eval;

import static org.assertj.core.api.Assertions.assertThat;

import dev.missioncontrol.knowledge.index.RetrievalMode;
import dev.missioncontrol.knowledge.rag.PipelineConfig;
import dev.missioncontrol.knowledge.rag.RagPipeline;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The default pipeline (MiniLM, hybrid retrieval, grounded answers) meets the quality targets on the whole set. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class EvaluationTargetsTest {
    @TempDir
    Path data;

    @Test
    void defaultConfigurationMeetsTheTargets() {
        try (RagPipeline rag = RagPipeline.open(PipelineConfig.defaults(data))) {
            Evaluation.Scores s = Evaluation.run(rag, RetrievalMode.HYBRID, EvalSet.load());
            System.out.println(Evaluation.Scores.header() + "\n" + s.row());
            s.misses().forEach(m -> System.out.println("  " + m));
            assertThat(s.recallAt5()).as("recall@5").isGreaterThanOrEqualTo(0.95);
            assertThat(s.keyFactAccuracy()).as("key-fact accuracy").isGreaterThanOrEqualTo(0.90);
            assertThat(s.refusalAccuracy()).as("refusal accuracy").isGreaterThanOrEqualTo(0.90);
        }
    }
}
