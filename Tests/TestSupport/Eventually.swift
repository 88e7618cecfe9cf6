/// Polls `condition` until it holds or `timeout` passes: a bound on waiting for an event (a pub/sub
/// message, a timer's first run), never a timing assertion, so it is generous for a loaded machine.
public func eventually(within timeout: Duration = .seconds(30), _ condition: () async throws -> Bool) async rethrows -> Bool {
    let clock = ContinuousClock()
    let end = clock.now + timeout
    while clock.now < end {
        if try await condition() { return true }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return try await condition()
}
