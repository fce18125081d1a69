package dev.missioncontrol.cluster.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.missioncontrol.cluster.faults.Fault;
import dev.missioncontrol.cluster.faults.FaultController;
import dev.missioncontrol.cluster.faults.FaultRecord;
import java.util.concurrent.TimeUnit;

/** The steps the fault integration tests share: inject and wait for the confirmation, clear and wait for recovery. */
final class FaultSteps {
    private FaultSteps() {}

    /** Injects a fault and asserts that the cluster was seen to react. */
    static FaultRecord confirmed(FaultController faults, Fault fault) throws Exception {
        FaultRecord r = faults.inject(fault);
        FaultRecord done = faults.confirmation(r.id()).get(90, TimeUnit.SECONDS);
        assertThat(done.state()).as(done.problem()).isEqualTo(FaultRecord.State.CONFIRMED);
        return done;
    }

    /** Clears a fault and asserts that every node is back in sync. */
    static FaultRecord healed(FaultController faults, String id) throws Exception {
        faults.clear(id);
        FaultRecord r = faults.recovery(id).get(200, TimeUnit.SECONDS);
        assertThat(r.recoveredAt()).as("%s back in sync", id).isPositive();
        return r;
    }
}
