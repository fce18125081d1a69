package dev.missioncontrol.cluster.node;

import dev.missioncontrol.cluster.config.ClusterSecret;
import dev.missioncontrol.cluster.proto.ClearFaultRequest;
import dev.missioncontrol.cluster.proto.FaultControlGrpc;
import dev.missioncontrol.cluster.proto.FaultRule;
import dev.missioncontrol.cluster.proto.FaultRules;
import dev.missioncontrol.cluster.proto.StatusRequest;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's fault-control RPC: applies and clears the fault rules of {@link NodeFaults}. Every call must carry the
 * cluster's secret; a call without it, or with a wrong one, is refused with PERMISSION_DENIED before it reaches the
 * rules, and so is every call to a node started without a secret.
 */
final class FaultControlService extends FaultControlGrpc.FaultControlImplBase {
    private static final Logger log = LoggerFactory.getLogger(FaultControlService.class);
    static final Metadata.Key<String> SECRET = Metadata.Key.of(ClusterSecret.HEADER, Metadata.ASCII_STRING_MARSHALLER);

    private final String tag;
    private final NodeFaults faults;

    FaultControlService(String tag, NodeFaults faults) {
        this.tag = tag;
        this.faults = faults;
    }

    /** The service behind the secret check. */
    ServerServiceDefinition guarded(Optional<ClusterSecret> secret) {
        return ServerInterceptors.intercept(this, new SecretCheck(tag, secret));
    }

    @Override
    public void apply(FaultRule rule, StreamObserver<FaultRules> out) {
        String problem = problem(rule);
        if (problem != null) {
            out.onError(Status.INVALID_ARGUMENT.withDescription(problem).asRuntimeException());
            return;
        }
        try {
            out.onNext(faults.apply(rule));
            out.onCompleted();
        } catch (IOException e) {
            out.onError(Status.INTERNAL
                    .withDescription("could not keep the fault rule: " + e.getMessage())
                    .asRuntimeException());
        }
    }

    @Override
    public void clear(ClearFaultRequest request, StreamObserver<FaultRules> out) {
        try {
            out.onNext(faults.clear(request.getAll() ? null : request.getId()));
            out.onCompleted();
        } catch (IOException e) {
            out.onError(Status.INTERNAL
                    .withDescription("could not clear the fault rule: " + e.getMessage())
                    .asRuntimeException());
        }
    }

    @Override
    public void rules(StatusRequest request, StreamObserver<FaultRules> out) {
        out.onNext(faults.report());
        out.onCompleted();
    }

    static String problem(FaultRule rule) {
        if (rule.getId().isBlank()) {
            return "a fault rule needs the fault's id";
        }
        return switch (rule.getKindCase()) {
            case KIND_NOT_SET -> "the rule " + rule.getId() + " says neither drop, delay, answer delay nor behaviour";
            case DROP -> rule.getDrop().getPeersCount() == 0 ? "the rule " + rule.getId() + " names no peer" : null;
            case DELAY ->
                rule.getDelay().getPeersCount() == 0
                        ? "the rule " + rule.getId() + " names no peer"
                        : rule.getDelay().getDelayMillis() <= 0
                                ? "the rule " + rule.getId() + " delays by "
                                        + rule.getDelay().getDelayMillis() + " ms"
                                : null;
            case ANSWER_DELAY_MILLIS ->
                rule.getAnswerDelayMillis() <= 0
                        ? "the rule " + rule.getId() + " delays answers by " + rule.getAnswerDelayMillis() + " ms"
                        : null;
            case BEHAVIOUR ->
                !NodeFaults.BEHAVIOURS.contains(rule.getBehaviour().getKind())
                        ? "the rule " + rule.getId() + " asks for an unknown behaviour '"
                                + rule.getBehaviour().getKind() + "' (known: "
                                + String.join(", ", NodeFaults.BEHAVIOURS)
                                + ")"
                        : null;
        };
    }

    /** Refuses a call that does not carry the cluster's secret. */
    private static final class SecretCheck implements ServerInterceptor {
        private final String tag;
        private final Optional<ClusterSecret> secret;

        SecretCheck(String tag, Optional<ClusterSecret> secret) {
            this.tag = tag;
            this.secret = secret;
        }

        @Override
        public <Q, R> ServerCall.Listener<Q> interceptCall(
                ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
            String presented = headers.get(SECRET);
            String refusal = secret.isEmpty()
                    ? "this node was started without the cluster's secret (the .secret file beside its cluster file),"
                            + " so it accepts no fault control"
                    : presented == null
                            ? "fault control needs the cluster's secret (the .secret file beside the cluster file);"
                                    + " this call carries none"
                            : secret.get().matches(presented) ? null : "the call carries a wrong cluster secret";
            if (refusal != null) {
                log.warn("{} refused a fault-control call: {}", tag, refusal);
                call.close(Status.PERMISSION_DENIED.withDescription(refusal), new Metadata());
                return new ServerCall.Listener<>() {};
            }
            return next.startCall(call, headers);
        }
    }
}
