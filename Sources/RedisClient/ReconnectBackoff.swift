/// Exponential backoff with jitter between connect attempts.
struct ReconnectBackoff {
    let minimum: UInt64
    let maximum: UInt64

    /// The delay before the next attempt: minimum · 2^(failures-1), capped at maximum, then a random
    /// 50–100 % of it so that many clients do not reconnect in lockstep.
    func delay(afterFailures failures: Int) -> UInt64 {
        let exponent = UInt64(min(max(failures - 1, 0), 32))
        let (scaled, overflow) = Swift.max(minimum, 1).multipliedReportingOverflow(by: 1 << exponent)
        let capped = Swift.min(overflow ? maximum : scaled, Swift.max(maximum, minimum))
        return capped / 2 + UInt64.random(in: 0...(capped - capped / 2))
    }
}
