import EventLoops

/// When a connection logs Redis's refusals (`RedisError.isStateRefusal`): the first at once, then
/// at most one line per `interval`, each standing for the refusals since the line before; those
/// held back are logged by a flush at the end of the interval, so a burst's total is never lost.
/// Under an out-of-memory Redis most writes are refused, and a line per request would bury the one
/// fact in tens of thousands a second.
struct RefusalLog {
    enum Decision: Equatable {
        /// Log a line now for this many refusals.
        case logNow(refusals: Int)
        /// Held back; the first refusal held back since the last line asks for a flush at `flushAt`.
        case holdBack(flushAt: UInt64?)
    }

    let interval: UInt64
    private var lastLine: UInt64?
    private var heldBack = 0

    init(interval: Duration) {
        self.interval = interval.clampedNanoseconds
    }

    /// A refusal at `now` (nanoseconds, monotonic).
    mutating func record(at now: UInt64) -> Decision {
        if let lastLine, now &- lastLine < interval {
            heldBack += 1
            return .holdBack(flushAt: heldBack == 1 ? lastLine &+ interval : nil)
        }
        return .logNow(refusals: takeLine(at: now) + 1)
    }

    /// The refusals held back, to be logged now in one line; 0 when there are none.
    mutating func flush(at now: UInt64) -> Int {
        heldBack > 0 ? takeLine(at: now) : 0
    }

    private mutating func takeLine(at now: UInt64) -> Int {
        lastLine = now
        defer { heldBack = 0 }
        return heldBack
    }
}
