package dev.missioncontrol.cluster.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The journal is the record of what was done: ids in order across writers, states folded back, nothing lost. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class AuditJournalTest {
    @TempDir
    Path dir;

    private final UUID group = UUID.randomUUID();
    private final Actor console = new Actor("console", "op", "ops-1", 42);

    @Test
    void faultIdsCountOverEveryWriterAndStatesFoldBack() throws Exception {
        AuditJournal a = AuditJournal.in(dir);
        AuditJournal b = AuditJournal.in(dir); // another process on the same data directory
        String f1 = a.appendInjection(group, console, new Fault.Partition(List.of("n1"), List.of()), 1_000);
        String f2 = b.appendInjection(group, Actor.of("cli"), new Fault.SlowLink(List.of("n2"), 200), 2_000);
        String other = a.appendInjection(UUID.randomUUID(), console, new Fault.Kill(List.of("n1")), 2_500);
        assertThat(List.of(f1, f2, other)).containsExactly("f1", "f2", "f1");
        record(a, "confirm", f1, 1_800, "n2 leads n2, n3");
        record(b, "fail", f2, 33_000, "not seen to take effect");
        record(a, "clear", f1, 40_000, "cleared");
        record(a, "recover", f1, 42_500, "every node back");
        // A line torn by a crash mid-write is skipped; the rest still counts.
        Files.writeString(a.file(), "{\"at\":\"2026-", StandardOpenOption.APPEND);

        List<FaultRecord> faults = AuditJournal.in(dir).faults(group);
        assertThat(faults).extracting(FaultRecord::id).containsExactly("f1", "f2");
        FaultRecord p = faults.get(0);
        assertThat(p.state()).isEqualTo(FaultRecord.State.HEALED);
        assertThat(p.by()).isEqualTo(console);
        assertThat(p.confirmedAt()).isEqualTo(1_800);
        assertThat(p.recoveredAt()).isEqualTo(42_500);
        assertThat(p.observed()).isEqualTo("n2 leads n2, n3");
        assertThat(p.fault()).isEqualTo(new Fault.Partition(List.of("n1"), List.of()));
        FaultRecord s = faults.get(1);
        assertThat(s.state()).isEqualTo(FaultRecord.State.FAILED);
        assertThat(s.active()).isTrue();
        assertThat(s.fault().delayMillis()).isEqualTo(200);

        assertThat(a.healedAll(group, console, "the cluster was stopped")).containsExactly("f2");
        assertThat(a.faults(group)).noneMatch(FaultRecord::active);

        Path out = dir.resolve("export.jsonl");
        assertThat(a.export(group, out)).isEqualTo(7);
        assertThat(Files.readAllLines(out)).hasSize(7).allSatisfy(l -> assertThat(l)
                .startsWith("{\"at\":"));
    }

    private void record(AuditJournal j, String event, String id, long at, String detail) {
        var e = AuditJournal.event(group, console, event, at);
        e.put("fault_id", id);
        e.put("detail", detail);
        j.append(e);
    }
}
