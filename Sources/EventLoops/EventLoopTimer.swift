/// A timer on one loop that can be moved and cancelled; confined to that loop. Moving it costs a
/// heap entry, so owners whose deadlines only move later let it fire and re-arm it then.
public final class EventLoopTimer {
    private unowned let loop: EventLoop
    /// Dropped by `cancel()`: owners capture themselves strongly here (a weak reference would move
    /// every retain and release of the owner onto the runtime's slow path) and cancel on close.
    private var handler: (() -> Void)?
    /// Changed by every schedule and cancel: heap entries of an older generation are stale.
    private(set) var generation: UInt64 = 0
    public private(set) var deadline: UInt64?

    init(loop: EventLoop, handler: @escaping () -> Void) {
        self.loop = loop
        self.handler = handler
    }

    /// Fires once at `deadline` (CLOCK_MONOTONIC nanoseconds, see `EventLoop.now()`), replacing any
    /// earlier schedule. Ignored once cancelled.
    public func schedule(at deadline: UInt64) {
        loop.assertInEventLoop()
        guard handler != nil else { return }
        generation &+= 1
        self.deadline = deadline
        loop.add(self, deadline: deadline)
    }

    /// For good: the timer never fires again and lets go of its handler.
    public func cancel() {
        generation &+= 1
        deadline = nil
        handler = nil
    }

    func fire() {
        deadline = nil
        generation &+= 1
        handler?()
    }
}
