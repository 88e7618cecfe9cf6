/// Waits for `condition`, polling, for at most `seconds`: a bound on waiting for an event, not a
/// timing assertion. Returns whether it became true.
func eventually(seconds: Double = 10, _ condition: () -> Bool) async -> Bool {
    let attempts = Int(seconds * 100)
    for _ in 0..<attempts {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return condition()
}
