package dev.missioncontrol.cluster.node;

import dev.missioncontrol.cluster.config.ClusterSpec;
import dev.missioncontrol.cluster.proto.Entry;
import dev.missioncontrol.cluster.proto.LinkView;
import dev.missioncontrol.cluster.proto.LogEntryView;
import dev.missioncontrol.cluster.proto.NodeStatus;
import dev.missioncontrol.cluster.proto.Role;
import dev.missioncontrol.models.generate.SentenceVectors;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.ratis.proto.RaftProtos;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.server.DivisionInfo;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.raftlog.RaftLog;

/** Read-only views of a running node's Raft division, for status, leader duty and metrics. */
final class NodeRuntime {
    /** A follower the leader has not heard from for this long is down (about seven heartbeats). */
    static final long DOWN_AFTER_MILLIS = 1000;

    private final ClusterSpec.NodeSpec me;
    private final String id;
    private final RaftServer server;
    private final RaftGroupId group;
    private final long started = System.currentTimeMillis();
    private final Supplier<SentenceVectors.Progress> sentences;
    private final LinkProbes links;
    private final NodeFaults faults;

    NodeRuntime(
            ClusterSpec.NodeSpec me,
            RaftServer server,
            RaftGroupId group,
            Supplier<SentenceVectors.Progress> sentences,
            LinkProbes links,
            NodeFaults faults) {
        this.me = me;
        this.id = me.id();
        this.server = server;
        this.group = group;
        this.sentences = sentences;
        this.links = links;
        this.faults = faults;
    }

    private RaftServer.Division division() {
        try {
            return server.getDivision(group);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("Raft group " + group + " is not running on " + id, e);
        }
    }

    boolean isReadyLeader() {
        DivisionInfo info = division().getInfo();
        return info.isLeader() && info.isLeaderReady();
    }

    boolean isLeader() {
        return division().getInfo().isLeader();
    }

    long term() {
        return division().getInfo().getCurrentTerm();
    }

    /** Peers the leader has not heard from for over a second (empty unless this node leads). */
    Set<String> downPeers() {
        Set<String> down = new HashSet<>();
        RaftProtos.RoleInfoProto role = division().getInfo().getRoleInfoProto();
        if (!role.hasLeaderInfo()) {
            return down;
        }
        for (RaftProtos.ServerRpcProto f : role.getLeaderInfo().getFollowerInfoList()) {
            if (f.getLastRpcElapsedTimeMs() > DOWN_AFTER_MILLIS) {
                down.add(f.getId().getId().toStringUtf8());
            }
        }
        return down;
    }

    NodeStatus status(int decisions) {
        RaftServer.Division d = division();
        DivisionInfo info = d.getInfo();
        RaftLog log = d.getRaftLog();
        SentenceVectors.Progress warmed = sentences.get(); // once: done and total of the same moment
        NodeStatus.Builder b = NodeStatus.newBuilder()
                .setNodeId(id)
                .setRole(role(info.getCurrentRole()))
                .setTerm(info.getCurrentTerm())
                .setLeaderId(
                        info.getLeaderId() == null ? "" : info.getLeaderId().toString())
                .setCommitIndex(log.getLastCommittedIndex())
                .setLogStartIndex(log.getStartIndex())
                .setAppliedIndex(info.getLastAppliedIndex())
                .setRssBytes((long) (ProcessStats.rssMb() * 1024 * 1024))
                .setProcessCpu(cpu())
                .setUptimeMillis(System.currentTimeMillis() - started)
                .setRetrievalModel(me.model())
                .setGenerator(me.generator().describe())
                .setDecisions(decisions)
                .setSentencesReady(warmed.done())
                .setSentencesTotal(warmed.total())
                .setPid(ProcessHandle.current().pid());
        b.addAllRecent(recent(log, 10));
        b.addAllLinks(links(info.getRoleInfoProto()));
        b.addAllFaults(faults.rules().getRulesList());
        return b.build();
    }

    static Role role(RaftProtos.RaftPeerRole role) {
        return switch (role) {
            case LEADER -> Role.LEADER;
            case FOLLOWER -> Role.FOLLOWER;
            case CANDIDATE -> Role.CANDIDATE;
            case LISTENER -> Role.LISTENER;
            default -> Role.ROLE_UNSPECIFIED;
        };
    }

    /** Each peer's link: the probe's round trip and, while this node leads, what Raft knows of the follower. */
    private List<LinkView> links(RaftProtos.RoleInfoProto role) {
        Map<String, RaftProtos.ServerRpcProto> followers = new LinkedHashMap<>();
        if (role.hasLeaderInfo()) {
            for (RaftProtos.ServerRpcProto f : role.getLeaderInfo().getFollowerInfoList()) {
                followers.put(f.getId().getId().toStringUtf8(), f);
            }
        }
        List<LinkView> out = new ArrayList<>();
        links.views().forEach((peer, v) -> {
            RaftProtos.ServerRpcProto f = followers.get(peer);
            out.add(LinkView.newBuilder()
                    .setPeer(peer)
                    .setRttMillis(v.rttMillis())
                    .setReachable(v.reachable())
                    .setHeardAgoMillis(f == null ? -1 : f.getLastRpcElapsedTimeMs())
                    .setMatchIndex(-1)
                    .build());
        });
        return out;
    }

    static List<LogEntryView> recent(RaftLog log, int count) {
        List<LogEntryView> out = new ArrayList<>();
        var last = log.getLastEntryTermIndex();
        if (last == null) {
            return out;
        }
        for (long i = Math.max(log.getStartIndex(), last.getIndex() - count + 1); i <= last.getIndex(); i++) {
            try {
                RaftProtos.LogEntryProto e = log.get(i);
                if (e != null) {
                    out.add(view(e));
                }
            } catch (Exception e) {
                // Purged by a snapshot between the bounds check and the read: nothing to show for it.
            }
        }
        return out;
    }

    private static LogEntryView view(RaftProtos.LogEntryProto e) {
        LogEntryView.Builder v =
                LogEntryView.newBuilder().setIndex(e.getIndex()).setTerm(e.getTerm());
        if (e.hasStateMachineLogEntry()) {
            try {
                Entry entry =
                        Entry.parseFrom(e.getStateMachineLogEntry().getLogData().toByteArray());
                v.setType(entry.getKindCase().name()).setSummary(summary(entry));
                switch (entry.getKindCase()) {
                    case QUERY -> v.setQueryId(entry.getQuery().getId());
                    case ANSWER ->
                        v.setQueryId(entry.getAnswer().getQueryId())
                                .setNodeId(entry.getAnswer().getNodeId());
                    case DECISION -> v.setQueryId(entry.getDecision().getQueryId());
                    case DISPUTE ->
                        v.setQueryId(entry.getDispute().getQueryId())
                                .setNodeId(entry.getDispute().getNodeId());
                    case ENDORSEMENT ->
                        v.setQueryId(entry.getEndorsement().getQueryId())
                                .setNodeId(entry.getEndorsement().getNodeId());
                    default -> {}
                }
            } catch (com.google.protobuf.InvalidProtocolBufferException ex) {
                v.setType("MALFORMED").setSummary("unparseable entry");
            }
        } else if (e.hasConfigurationEntry()) {
            v.setType("CONFIGURATION").setSummary(e.getConfigurationEntry().getPeersCount() + " peers");
        } else if (e.hasMetadataEntry()) {
            v.setType("METADATA").setSummary("commit " + e.getMetadataEntry().getCommitIndex());
        } else {
            v.setType("OTHER");
        }
        return v.build();
    }

    static String summary(Entry e) {
        return switch (e.getKindCase()) {
            case QUERY -> e.getQuery().getId() + " \"" + abbreviate(e.getQuery().getText()) + "\"";
            case ANSWER -> e.getAnswer().getQueryId() + " from " + e.getAnswer().getNodeId();
            case DECISION ->
                e.getDecision().getQueryId() + " " + e.getDecision().getStatus() + " winner "
                        + e.getDecision().getWinner();
            case DISPUTE ->
                e.getDispute().getQueryId() + " by " + e.getDispute().getNodeId();
            case ENDORSEMENT ->
                e.getEndorsement().getQueryId() + " by " + e.getEndorsement().getNodeId();
            case KNOWLEDGE_UPDATE -> e.getKnowledgeUpdate().getDoc();
            case NO_OP -> "no-op";
            case KEY_REGISTRATION -> "key of " + e.getKeyRegistration().getNodeId();
            default -> "";
        };
    }

    private static String abbreviate(String s) {
        return s.length() > 60 ? s.substring(0, 60) + "…" : s;
    }

    private static double cpu() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return Math.max(0, os.getProcessCpuLoad());
        }
        return 0;
    }
}
