/// When to write a log line that would otherwise repeat for every request: per key (the line's
/// cause), the first at once, then at most one per `interval`, each standing for those held back
/// since the line before. A fault that hits every request (Redis out of memory, an ACL without
/// EVALSHA) would otherwise write tens of thousands of identical lines a second and bury the one
/// fact. Times are `EventLoop.now()` nanoseconds. Not thread-safe: its owner confines or locks it.
public struct LogThrottle: Sendable {
    public enum Decision: Equatable, Sendable {
        /// Write a line now; `heldBack` of this key were not written since its last line.
        case logNow(heldBack: Int)
        /// Held back. The first held back since the key's last line says when the interval ends
        /// (`flushAt`), for an owner that writes what was held back then (see `flush`).
        case holdBack(flushAt: UInt64?)
    }

    private struct Entry {
        var lastLine: UInt64
        var heldBack: Int
    }

    public let interval: UInt64
    /// Keys remembered; past this many the one logged longest ago is forgotten.
    public let maximumKeys: Int
    private var entries: [String: Entry] = [:]

    public init(interval: Duration, maximumKeys: Int = 32) {
        self.interval = interval.clampedNanoseconds
        self.maximumKeys = maximumKeys
    }

    /// An occurrence of `key` at `now`.
    public mutating func record(_ key: String, at now: UInt64) -> Decision {
        if var entry = entries[key], now &- entry.lastLine < interval {
            entry.heldBack += 1
            entries[key] = entry
            return .holdBack(flushAt: entry.heldBack == 1 ? entry.lastLine &+ interval : nil)
        }
        let heldBack = entries[key]?.heldBack ?? 0
        if entries[key] == nil, entries.count >= maximumKeys,
           let oldest = entries.min(by: { $0.value.lastLine < $1.value.lastLine })?.key {
            entries[oldest] = nil
        }
        entries[key] = Entry(lastLine: now, heldBack: 0)
        return .logNow(heldBack: heldBack)
    }

    /// Every key with occurrences held back and how many, each then as if flushed: what a stopping
    /// owner writes, since the timers that would have flushed them will not run.
    public mutating func flushAll(at now: UInt64) -> [(key: String, heldBack: Int)] {
        let held = entries.filter { $0.value.heldBack > 0 }.map { (key: $0.key, heldBack: $0.value.heldBack) }
        for (key, _) in held { entries[key] = Entry(lastLine: now, heldBack: 0) }
        return held.sorted { $0.key < $1.key }
    }

    /// How many of `key` were held back, to be written now in one line (the interval then starts
    /// again); nil when none were.
    public mutating func flush(_ key: String, at now: UInt64) -> Int? {
        guard let heldBack = entries[key]?.heldBack, heldBack > 0 else { return nil }
        entries[key] = Entry(lastLine: now, heldBack: 0)
        return heldBack
    }
}
