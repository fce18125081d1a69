package dev.missioncontrol.cluster.faults;

/**
 * One injected fault and what became of it, as the audit journal tells it.
 *
 * @param id the fault's id in its cluster ({@code f1}, {@code f2}, …), what scripts clear it by
 * @param injectedAt when it was injected (wall clock, ms)
 * @param confirmedAt when the cluster was seen to react to it, or 0
 * @param healedAt when it was cleared (or healed with the rest), or 0
 * @param recoveredAt when, after that, every node it touched was back in sync, or 0
 * @param observed what confirmed it ("n2 leads n2, n3 in term 4; n1 lost its leader"), or empty
 * @param problem why it failed, or empty
 */
public record FaultRecord(
        String id,
        Fault fault,
        State state,
        Actor by,
        long injectedAt,
        long confirmedAt,
        long healedAt,
        long recoveredAt,
        String observed,
        String problem) {

    /**
     * Where a fault is: injected (in effect, not yet seen to take effect), confirmed (the cluster reacted), healed
     * (cleared), failed (it could not be applied, or the cluster did not react in time; still to be healed).
     */
    public enum State {
        INJECTED,
        CONFIRMED,
        HEALED,
        FAILED;

        /** The name scripts read: {@code injected}, {@code confirmed}, {@code healed}, {@code failed}. */
        public String word() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** Whether it was in effect at a moment (wall clock, ms): injected by then, not healed before. */
    public boolean activeAt(long atMillis) {
        return injectedAt <= atMillis && (healedAt == 0 || healedAt >= atMillis);
    }

    /** Still in effect: not healed. */
    public boolean active() {
        return state != State.HEALED;
    }

    FaultRecord confirmed(long at, String what) {
        return new FaultRecord(id, fault, State.CONFIRMED, by, injectedAt, at, healedAt, recoveredAt, what, problem);
    }

    FaultRecord failed(String why) {
        return new FaultRecord(
                id, fault, State.FAILED, by, injectedAt, confirmedAt, healedAt, recoveredAt, observed, why);
    }

    FaultRecord healed(long at) {
        return new FaultRecord(
                id, fault, State.HEALED, by, injectedAt, confirmedAt, at, recoveredAt, observed, problem);
    }

    FaultRecord recovered(long at) {
        return new FaultRecord(id, fault, state, by, injectedAt, confirmedAt, healedAt, at, observed, problem);
    }
}
