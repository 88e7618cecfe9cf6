extension Duration {
    /// Whole nanoseconds, clamped to 0...UInt64.max / 2 so that a deadline computed from it cannot
    /// overflow: for event-loop deadlines, timeouts and the metrics' durations alike.
    public var clampedNanoseconds: UInt64 {
        let (seconds, attoseconds) = components
        guard seconds >= 0 else { return 0 }
        let limit = UInt64.max / 2
        guard seconds < Int64(limit / 1_000_000_000) else { return limit }
        return UInt64(seconds) * 1_000_000_000 + UInt64(max(attoseconds, 0) / 1_000_000_000)
    }
}
