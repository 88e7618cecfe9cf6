import CEpoll

/// A fixed set of event loops, one thread each. The service runs its HTTP connections and its Redis
/// connections on the same loops, so a request, its Redis command and its reply are handled on one
/// thread without hand-offs.
public final class EventLoopGroup: Sendable {
    public let loops: [EventLoop]
    private let next = AtomicCounter()

    /// `count` below 1: one loop per usable processor. `busyPollMaximum`: how long a busy loop may
    /// poll before it sleeps (see BusyPollPolicy); zero sleeps at once.
    public init(count: Int = 0, name: String = "event-loop", busyPollMaximum: Duration = .zero) {
        let count = count > 0 ? count : Self.usableProcessorCount
        loops = (0..<count).map { EventLoop(name: "\(name)-\($0)", busyPollMaximum: busyPollMaximum) }
    }

    /// The processors this process may run on (its CPU affinity), at least 1.
    public static var usableProcessorCount: Int { Int(cepoll_usable_processors()) }

    /// The process's loops, started on first use; what servers and clients use unless given others.
    public static let shared = EventLoopGroup(name: "rest-sessions")

    /// Round robin over the loops.
    public func nextLoop() -> EventLoop {
        loops[next.increment() % loops.count]
    }

    /// The loop running the calling thread when it belongs to this group.
    public var currentLoop: EventLoop? {
        guard let current = EventLoop.current, loops.contains(where: { $0 === current }) else { return nil }
        return current
    }

    /// Stops every loop after the tasks already queued; for tests and tools that make their own groups.
    public func shutdown() {
        for loop in loops { loop.shutdown() }
    }
}
