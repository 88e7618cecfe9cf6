import CoreMetrics
import EventLoops

/// Redis round trips and failures, through swift-metrics (the executable chooses the backend).
/// Made once per client; a command costs a clock read and the backend's atomic updates.
struct RedisMetrics: Sendable {
    static let roundTripLabel = "rest_sessions_redis_command_duration_seconds"
    static let errorsLabel = "rest_sessions_redis_errors_total"

    private enum Kind: Int, CaseIterable {
        case notConnected, timedOut, connectionLost, tooManyPending, refused, reply, other

        var label: String {
            switch self {
            case .notConnected: "not_connected"
            case .timedOut: "timed_out"
            case .connectionLost: "connection_lost"
            case .tooManyPending: "too_many_pending"
            case .refused: "refused"
            case .reply: "reply"
            case .other: "other"
            }
        }
    }

    private let roundTrip: Timer
    /// By `Kind.rawValue`.
    private let errors: [Counter]

    init(factory: any MetricsFactory = MetricsSystem.factory) {
        roundTrip = Timer(label: Self.roundTripLabel, factory: factory)
        errors = Kind.allCases.map { Counter(label: Self.errorsLabel, dimensions: [("kind", $0.label)], factory: factory) }
    }

    /// `completion`, recording the round trip of every command Redis answered (error replies too)
    /// and counting every failure but NOSCRIPT, which `evaluate` answers by sending EVAL.
    func measuring(
        _ completion: @escaping @Sendable (Result<RedisReply, RedisError>) -> Void
    ) -> @Sendable (Result<RedisReply, RedisError>) -> Void {
        let start = ContinuousClock.now
        return { result in
            switch result {
            case .success:
                recordRoundTrip(since: start)
            case .failure(let error) where error.isReply:
                recordRoundTrip(since: start)
                if !error.isMissingScript { errors[Self.kind(of: error).rawValue].increment() }
            case .failure(let error):
                errors[Self.kind(of: error).rawValue].increment()
            }
            completion(result)
        }
    }

    /// A call of a batched script whose own part failed, in a batch that got its answer.
    func countFailedCall(_ error: RedisError) {
        errors[Self.kind(of: error).rawValue].increment()
    }

    private func recordRoundTrip(since start: ContinuousClock.Instant) {
        roundTrip.recordNanoseconds(Int64(clamping: (ContinuousClock.now - start).clampedNanoseconds))
    }

    private static func kind(of error: RedisError) -> Kind {
        switch error {
        case .notConnected: .notConnected
        case .timedOut: .timedOut
        case .connectionLost: .connectionLost
        case .tooManyPendingCommands: .tooManyPending
        case _ where error.isStateRefusal: .refused
        case _ where error.isReply: .reply
        default: .other
        }
    }
}
