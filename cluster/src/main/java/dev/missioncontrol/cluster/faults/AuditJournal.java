package dev.missioncontrol.cluster.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

/**
 * What was done to the clusters of a data directory, one JSON object per line ({@code DATA/audit.jsonl}): every fault
 * injected, confirmed, failed, cleared, healed and recovered, every node action and every refused request — who
 * (console or CLI, user, host, process), when, what, with which parameters, and the outcome. A line is written before
 * the action it announces and flushed at once, so nothing is lost when the console is killed; a new console and the
 * CLI read the faults back from it.
 *
 * <p>Thread-safe and shared between processes: each write holds a lock on the file.
 */
public final class AuditJournal {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** One file lock per JVM at a time (a second lock on the same file in one JVM throws). */
    private static final Object IN_THIS_JVM = new Object();

    private final Path file;

    public AuditJournal(Path file) {
        this.file = file;
    }

    /** The journal of a data directory. */
    public static AuditJournal in(Path dataDir) {
        return new AuditJournal(dataDir.resolve("audit.jsonl"));
    }

    public Path file() {
        return file;
    }

    /** A new event of a cluster: {@code {"at", "at_millis", "group", "by", "event"}}, to fill and {@link #append}. */
    public static ObjectNode event(UUID group, Actor by, String event, long atMillis) {
        ObjectNode o = JSON.createObjectNode();
        o.put("at", Instant.ofEpochMilli(atMillis).toString());
        o.put("at_millis", atMillis);
        o.put("group", group.toString());
        ObjectNode who = o.putObject("by");
        who.put("tool", by.tool());
        who.put("user", by.user());
        who.put("host", by.host());
        who.put("pid", by.pid());
        o.put("event", event);
        return o;
    }

    /** Appends an event. */
    public void append(ObjectNode event) {
        withLock(lines -> {
            write(event);
            return null;
        });
    }

    /**
     * Appends an injection with the cluster's next fault id ({@code f1}, {@code f2}, … counted over every process that
     * writes this journal) and returns that id.
     */
    public String appendInjection(UUID group, Actor by, Fault fault, long atMillis) {
        return withLock(lines -> {
            long injected = lines.stream()
                    .filter(l -> l.path("group").asText().equals(group.toString()))
                    .filter(l -> l.path("event").asText().equals("inject"))
                    .count();
            String id = "f" + (injected + 1);
            ObjectNode e = event(group, by, "inject", atMillis);
            e.set("fault", json(id, fault));
            write(e);
            return id;
        });
    }

    /**
     * Records every fault still in effect in a cluster as healed, for a reason that ended them all at once (the
     * cluster was stopped). Returns their ids.
     */
    public List<String> healedAll(UUID group, Actor by, String why) {
        List<String> ids = new ArrayList<>();
        for (FaultRecord r : faults(group)) {
            if (r.active()) {
                ObjectNode e = event(group, by, "heal", System.currentTimeMillis());
                e.put("fault_id", r.id());
                e.put("detail", why);
                append(e);
                ids.add(r.id());
            }
        }
        return ids;
    }

    /** Every event of a cluster (all clusters when {@code group} is null), oldest first. */
    public List<JsonNode> events(UUID group) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode l : read()) {
            if (group == null || l.path("group").asText().equals(group.toString())) {
                out.add(l);
            }
        }
        return out;
    }

    /** The faults of a cluster as the journal tells them, in injection order. */
    public List<FaultRecord> faults(UUID group) {
        Map<String, FaultRecord> byId = new LinkedHashMap<>();
        for (JsonNode e : events(group)) {
            String event = e.path("event").asText();
            long at = e.path("at_millis").asLong();
            if (event.equals("inject")) {
                JsonNode f = e.path("fault");
                Fault fault = fault(f);
                if (fault != null) {
                    byId.put(
                            f.path("id").asText(),
                            new FaultRecord(
                                    f.path("id").asText(),
                                    fault,
                                    FaultRecord.State.INJECTED,
                                    actor(e.path("by")),
                                    at,
                                    0,
                                    0,
                                    0,
                                    "",
                                    ""));
                }
                continue;
            }
            FaultRecord r = byId.get(e.path("fault_id").asText());
            if (r == null) {
                continue;
            }
            String detail = e.path("detail").asText();
            switch (event) {
                case "confirm" -> byId.put(r.id(), r.confirmed(at, detail));
                case "fail" -> byId.put(r.id(), r.failed(detail));
                case "clear", "heal" -> byId.put(r.id(), r.healed(at));
                case "recover" -> byId.put(r.id(), r.recovered(at));
                default -> {}
            }
        }
        return List.copyOf(byId.values());
    }

    /** Copies a cluster's events (every cluster's when {@code group} is null) to a JSON Lines file. */
    public int export(UUID group, Path to) throws IOException {
        List<JsonNode> events = events(group);
        StringBuilder sb = new StringBuilder();
        for (JsonNode e : events) {
            sb.append(JSON.writeValueAsString(e)).append('\n');
        }
        Path parent = to.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(to, sb);
        return events.size();
    }

    static ObjectNode json(String id, Fault fault) {
        ObjectNode f = JSON.createObjectNode();
        f.put("id", id);
        f.put("type", fault.type());
        ArrayNode nodes = f.putArray("nodes");
        fault.nodes().forEach(nodes::add);
        if (fault instanceof Fault.Partition p) {
            ArrayNode from = f.putArray("from");
            p.from().forEach(from::add);
        }
        if (fault.delayMillis() > 0) {
            f.put("delay_ms", fault.delayMillis());
        }
        if (fault instanceof Fault.Byzantine b && !b.as().isEmpty()) {
            f.put("as", b.as());
        }
        return f;
    }

    static Fault fault(JsonNode f) {
        List<String> nodes = strings(f.path("nodes"));
        int delay = f.path("delay_ms").asInt();
        return switch (f.path("type").asText()) {
            case "kill" -> new Fault.Kill(nodes);
            case "pause" -> new Fault.Pause(nodes);
            case "partition" -> new Fault.Partition(nodes, strings(f.path("from")));
            case "slow-link" -> new Fault.SlowLink(nodes, delay);
            case "slow-node" -> new Fault.SlowNode(nodes, delay);
            default ->
                Fault.Byzantine.KINDS.contains(f.path("type").asText())
                        ? new Fault.Byzantine(
                                f.path("type").asText(), nodes, f.path("as").asText(""))
                        : null; // a kind this version does not know: shown in the journal, not as a fault
        };
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static Actor actor(JsonNode by) {
        return new Actor(
                by.path("tool").asText(),
                by.path("user").asText(),
                by.path("host").asText(),
                by.path("pid").asLong());
    }

    private FileChannel channel;

    /** Runs with the file locked against other processes and other threads; {@code work} sees the events so far. */
    private <T> T withLock(Function<List<JsonNode>, T> work) {
        synchronized (IN_THIS_JVM) {
            try {
                Path parent = file.toAbsolutePath().getParent();
                if (parent != null) {
                    Files.createDirectories(parent);
                }
                try (FileChannel ch = FileChannel.open(
                                file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
                        FileLock lock = ch.lock()) {
                    channel = ch;
                    try {
                        return work.apply(read());
                    } finally {
                        channel = null;
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot write the audit journal " + file + ": " + e.getMessage(), e);
            }
        }
    }

    /** Holds the lock (called inside {@link #withLock}). */
    private void write(ObjectNode event) {
        try {
            // A line torn by a crash mid-write has no end: start this one on a line of its own.
            String start = endsTorn() ? "\n" : "";
            byte[] line = (start + JSON.writeValueAsString(event) + "\n").getBytes(StandardCharsets.UTF_8);
            ByteBuffer b = ByteBuffer.wrap(line);
            while (b.hasRemaining()) {
                channel.write(b);
            }
            channel.force(false);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the audit journal " + file + ": " + e.getMessage(), e);
        }
    }

    private boolean endsTorn() throws IOException {
        long size = Files.size(file);
        if (size == 0) {
            return false;
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer last = ByteBuffer.allocate(1);
            ch.read(last, size - 1);
            return last.get(0) != '\n';
        }
    }

    private List<JsonNode> read() {
        if (!Files.isRegularFile(file)) {
            return List.of();
        }
        List<JsonNode> out = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (line.isBlank()) {
                    continue;
                }
                try {
                    out.add(JSON.readTree(line));
                } catch (IOException e) {
                    // A line torn by a crash mid-write: the others still count.
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the audit journal " + file + ": " + e.getMessage(), e);
        }
        return out;
    }
}
