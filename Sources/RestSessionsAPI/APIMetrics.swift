import CoreMetrics
import SessionStore
import EventLoops

/// The API's metrics, through swift-metrics (the executable chooses the backend). Every metric
/// object is made once: a request costs an array index, one dictionary lookup under a lock for its
/// (route, status) counter after the first, and the backend's atomic updates; no formatting.
final class APIMetrics: Sendable {
    static let requestsLabel = "rest_sessions_http_requests_total"
    static let durationLabel = "rest_sessions_http_request_duration_seconds"
    static let createdLabel = "rest_sessions_sessions_created_total"
    static let rotatedLabel = "rest_sessions_sessions_rotated_total"
    static let evictedLabel = "rest_sessions_sessions_evicted_total"
    static let killedLabel = "rest_sessions_sessions_killed_total"
    static let unknownTokenLabel = "rest_sessions_unknown_token_lookups_total"

    private let factory: any MetricsFactory
    /// By `RouteName.rawValue`.
    private let durations: [Timer]
    private let requests = PthreadLock<[Int: Counter]>([:])
    private let created: Counter
    private let rotated: Counter
    private let evicted: Counter
    private let killed: Counter
    /// By `RouteName.rawValue`; only the routes that look a token up have one.
    private let unknownTokens: [Counter?]

    /// `factory` defaults to the bootstrapped one (or the task-local one of `withMetricsFactory`).
    init(factory: any MetricsFactory = MetricsSystem.factory) {
        self.factory = factory
        durations = RouteName.allCases.map { route in
            Timer(label: Self.durationLabel, dimensions: [("route", route.label)], factory: factory)
        }
        created = Counter(label: Self.createdLabel, factory: factory)
        rotated = Counter(label: Self.rotatedLabel, factory: factory)
        evicted = Counter(label: Self.evictedLabel, factory: factory)
        killed = Counter(label: Self.killedLabel, factory: factory)
        let lookups: Set<RouteName> = [.get, .set, .kill, .auth, .rotate]
        unknownTokens = RouteName.allCases.map { route in
            lookups.contains(route) ? Counter(label: Self.unknownTokenLabel, dimensions: [("route", route.label)], factory: factory) : nil
        }
    }

    func recordRequest(route: RouteName, status: Int, duration: Duration) {
        durations[route.rawValue].recordNanoseconds(Int64(duration.clampedNanoseconds))
        requestCounter(route: route, status: status).increment()
    }

    /// A (route, status) pair is formatted into labels only the first time it occurs.
    private func requestCounter(route: RouteName, status: Int) -> Counter {
        let key = route.rawValue << 10 | (status & 0x3FF)
        return requests.withLock { counters in
            if let counter = counters[key] { return counter }
            let counter = Counter(
                label: Self.requestsLabel, dimensions: [("route", route.label), ("status", String(status))], factory: factory)
            counters[key] = counter
            return counter
        }
    }

    /// A create with max_sessions may end older sessions of the same id.
    func countCreated(_ result: Result<CreatedSession, SessionStoreError>) {
        guard case .success(let session) = result else { return }
        created.increment()
        if let count = session.evicted, count > 0 { evicted.increment(by: count) }
    }

    /// rotate answers nil for a token that names no live session.
    func countRotated(_ result: Result<CreatedSession?, SessionStoreError>) {
        switch result {
        case .success(.some): rotated.increment()
        case .success(.none): unknownTokens[RouteName.rotate.rawValue]?.increment()
        case .failure: break
        }
    }

    /// get and set answer nil for a token that names no live session.
    func countLookup(_ result: Result<Session?, SessionStoreError>, route: RouteName) {
        if case .success(nil) = result { unknownTokens[route.rawValue]?.increment() }
    }

    func countUnknownToken(route: RouteName) {
        unknownTokens[route.rawValue]?.increment()
    }

    /// kill, killsoid, killall: the sessions ended; a kill that ended none was an unknown token.
    func countKilled(_ result: Result<Int, SessionStoreError>, route: RouteName) {
        guard case .success(let count) = result else { return }
        if count > 0 {
            killed.increment(by: count)
        } else if route == .kill {
            unknownTokens[route.rawValue]?.increment()
        }
    }
}
