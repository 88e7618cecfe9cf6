extension Duration {
    /// For metrics and Dispatch deadlines: request durations and timeouts are far from overflowing.
    var wholeNanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds &* 1_000_000_000 &+ attoseconds / 1_000_000_000
    }
}
