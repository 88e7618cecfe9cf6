import EventLoops

/// When a connection logs Redis's refusals (`RedisError.refused`): the first at once, then at most
/// one line per `interval` standing for all refusals since the previous line. Under an out-of-memory
/// Redis every write is refused, and a line per request would bury the one fact in tens of
/// thousands a second.
struct RefusalLog {
    let interval: UInt64
    private var lastLine: UInt64?
    private var unlogged = 0

    init(interval: Duration) {
        self.interval = interval.clampedNanoseconds
    }

    /// Counts a refusal at `now` (nanoseconds, monotonic): the number of refusals the line logged
    /// now stands for, or nil when none is due.
    mutating func record(at now: UInt64) -> Int? {
        unlogged += 1
        if let lastLine, now &- lastLine < interval { return nil }
        lastLine = now
        defer { unlogged = 0 }
        return unlogged
    }
}
