/// When the API logs an unexpected failure: each cause at most once per `interval`, the line saying
/// how many failures of that cause went unlogged since its last one. A fault that fails every
/// request (an ACL without EVALSHA, a corrupted hot key) would otherwise write a line per request,
/// tens of thousands a second; `rest_sessions_http_requests_total` still counts every one.
struct FailureLog {
    /// The causes remembered; past this many the least recently logged is forgotten.
    static let maximumCauses = 32

    private struct Cause {
        var lastLine: ContinuousClock.Instant
        var unlogged: Int
    }

    let interval: Duration
    private var causes: [String: Cause] = [:]

    init(interval: Duration) {
        self.interval = interval
    }

    /// A failure of `cause` at `now`: how many earlier ones of that cause went unlogged when a line
    /// is due now, nil when it is not.
    mutating func record(_ cause: String, at now: ContinuousClock.Instant) -> Int? {
        if var known = causes[cause], now - known.lastLine < interval {
            known.unlogged += 1
            causes[cause] = known
            return nil
        }
        let unlogged = causes[cause]?.unlogged ?? 0
        if causes[cause] == nil, causes.count >= Self.maximumCauses,
           let oldest = causes.min(by: { $0.value.lastLine < $1.value.lastLine })?.key {
            causes[oldest] = nil
        }
        causes[cause] = Cause(lastLine: now, unlogged: 0)
        return unlogged
    }
}
