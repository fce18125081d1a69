package dev.missioncontrol.cluster.faults;

import dev.missioncontrol.cluster.client.ClusterClient;
import dev.missioncontrol.cluster.config.ClusterSpec;
import dev.missioncontrol.cluster.proto.NodeStatus;
import dev.missioncontrol.cluster.proto.Role;
import dev.missioncontrol.cluster.supervisor.NodeProcess;
import dev.missioncontrol.cluster.supervisor.ProcessSignals;
import dev.missioncontrol.cluster.supervisor.Supervisor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fault controller's eyes: the cluster at one moment as the nodes report it and as the operating system reports
 * their processes ({@link Evidence.Observation}), and a watch that polls a check on its own thread until it sees
 * something or its time runs out.
 */
final class ClusterWatch implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterWatch.class);
    static final long POLL_MILLIS = 150;
    /** Status calls of the watcher give up sooner than others: a frozen node must not slow the watch. */
    static final long STATUS_DEADLINE_MILLIS = 400;
    /** A check before acting waits longer, so a node is not called silent because a first call to it was slow. */
    static final long CHECK_DEADLINE_MILLIS = 2_000;

    private final ClusterClient client;
    private final ClusterSpec spec;
    private final Supervisor supervisor;
    private final ScheduledExecutorService watcher = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "fault-watch");
        t.setDaemon(true);
        return t;
    });

    ClusterWatch(ClusterClient client, Supervisor supervisor) {
        this.client = client;
        this.spec = client.spec();
        this.supervisor = supervisor;
    }

    Evidence.Observation observe() {
        return observe(STATUS_DEADLINE_MILLIS);
    }

    /**
     * The cluster now. The watcher asks with a short deadline (a frozen node must not slow it); a check before acting
     * asks with a longer one, so a node is not called silent because this process's first call to it was slow.
     */
    Evidence.Observation observe(long deadlineMillis) {
        Map<String, NodeStatus> status = new LinkedHashMap<>();
        for (NodeStatus s : client.status(deadlineMillis)) {
            status.put(s.getNodeId(), s);
        }
        Set<String> gone = new LinkedHashSet<>();
        Set<String> paused = new LinkedHashSet<>();
        if (supervisor != null) {
            for (NodeProcess p : supervisor.processes()) {
                if (!p.alive()) {
                    gone.add(p.node());
                } else if (ProcessSignals.isPaused(p.pid())) {
                    paused.add(p.node());
                }
            }
        } else {
            status.values().stream()
                    .filter(s -> s.getRole() == Role.UNREACHABLE)
                    .forEach(s -> gone.add(s.getNodeId()));
        }
        return new Evidence.Observation(status, gone, paused);
    }

    Set<String> paused() {
        if (supervisor == null) {
            return Set.of();
        }
        return supervisor.processes().stream()
                .filter(p -> p.alive() && ProcessSignals.isPaused(p.pid()))
                .map(NodeProcess::node)
                .collect(Collectors.toCollection(LinkedHashSet::new));
    }

    /** "n1 LEADER t4 ci 41, n2 FOLLOWER …, n3 frozen": what was last seen, for a failure's message. */
    static String summary(Evidence.Observation o) {
        List<String> parts = new ArrayList<>();
        o.status()
                .forEach((id, s) -> parts.add(
                        o.paused().contains(id)
                                ? id + " frozen"
                                : o.gone().contains(id)
                                        ? id + " down"
                                        : s.getRole() == Role.UNREACHABLE
                                                ? id + " not answering"
                                                : id + " " + s.getRole() + " term " + s.getTerm() + " applied "
                                                        + s.getAppliedIndex()));
        return String.join(", ", parts);
    }

    Optional<String> awaitSync(long target, long timeoutMillis) {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (System.nanoTime() < end) {
            Evidence.Observation o = observe();
            Optional<String> synced = Evidence.inSync(spec, target, o);
            if (synced.isPresent() && allLinksUp(o)) {
                return synced;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(POLL_MILLIS));
        }
        return Optional.empty();
    }

    private boolean allLinksUp(Evidence.Observation o) {
        for (var a : spec.nodes()) {
            for (var b : spec.nodes()) {
                if (!a.equals(b) && !Evidence.joined(List.of(a.id()), List.of(b.id()), o)) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * Polls {@code check} on the watcher thread until it sees something (then {@code seen} gets it) or the time runs
     * out ({@code timedOut} gets the last observation in words).
     */
    void watch(long timeoutMillis, Supplier<Optional<String>> check, Consumer<String> seen, Consumer<String> timedOut) {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        Runnable[] step = new Runnable[1];
        step[0] = () -> {
            try {
                Optional<String> s = check.get();
                if (s.isPresent()) {
                    seen.accept(s.get());
                    return;
                }
            } catch (RuntimeException e) {
                LOG.debug("fault watch: {}", e.toString());
            }
            if (System.nanoTime() > end) {
                timedOut.accept(summary(observe()));
                return;
            }
            try {
                watcher.schedule(step[0], POLL_MILLIS, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException closing) {
                // The controller is closing: what was seen so far is in the journal.
            }
        };
        try {
            watcher.execute(step[0]);
        } catch (RejectedExecutionException closing) {
            // As above.
        }
    }

    @Override
    public void close() {
        watcher.shutdownNow();
    }
}
