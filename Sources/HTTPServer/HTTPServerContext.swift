import CoreMetrics
import Logging
import Synchronization
import EventLoops

/// What every part of one server shares: the handler, the limits, and the counters the connection
/// limit and shutdown depend on. Immutable apart from the atomics and the mutex.
final class HTTPServerContext: Sendable {
    let handler: any HTTPHandler
    let limits: HTTPServerLimits
    let logger: Logger
    let connectionCount = Atomic<Int>(0)
    let isShuttingDown = Atomic<Bool>(false)
    /// The same count for metrics (swift-metrics has no gauge read at scrape time).
    private let openConnections = Meter(label: "rest_sessions_http_open_connections")
    /// nil once shutdown has completed.
    private let shutdownWaiters = PthreadLock<[@Sendable () -> Void]?>([])

    init(handler: any HTTPHandler, limits: HTTPServerLimits, logger: Logger) {
        self.handler = handler
        self.limits = limits
        self.logger = logger
    }

    /// Counts a connection about to be served, unless the limit is reached.
    func reserveConnection() -> Bool {
        var current = connectionCount.load(ordering: .relaxed)
        while current < limits.maximumConnections {
            let (exchanged, original) = connectionCount.compareExchange(
                expected: current, desired: current + 1, ordering: .relaxed
            )
            if exchanged {
                openConnections.increment()
                return true
            }
            current = original
        }
        return false
    }

    func releaseConnection() {
        openConnections.decrement()
        let remaining = connectionCount.subtract(1, ordering: .acquiringAndReleasing).newValue
        if remaining == 0 && isShuttingDown.load(ordering: .acquiring) { completeShutdownIfDone() }
    }

    func beginShutdown(completion: @escaping @Sendable () -> Void) {
        let alreadyDone = shutdownWaiters.withLock { waiters -> Bool in
            guard waiters != nil else { return true }
            waiters?.append(completion)
            return false
        }
        if alreadyDone {
            completion()
            return
        }
        isShuttingDown.store(true, ordering: .releasing)
    }

    func completeShutdownIfDone() {
        guard isShuttingDown.load(ordering: .acquiring), connectionCount.load(ordering: .acquiring) == 0 else { return }
        let waiters = shutdownWaiters.withLock { waiters in
            defer { waiters = nil }
            return waiters ?? []
        }
        for waiter in waiters { waiter() }
    }
}
