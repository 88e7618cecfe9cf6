/// Whether an event loop that finds nothing to do polls a while before it sleeps in `epoll_wait`.
///
/// A thread that sleeps gives its processor up, and on a virtual machine whose idle vCPUs halt
/// (guest halt polling off, as on the development VM) waking it again costs a round trip through
/// the hypervisor: a median 28-30 µs there (`perf sched`), twice what a get costs the loop, while
/// every request the loop holds waits with it. A loop that was busy at least half of the last
/// period polls for up to `maximum` nanoseconds before it sleeps, yielding its processor between
/// polls to any thread that wants it; a less busy loop sleeps at once, so a quiet service spends
/// nothing on polling. Time spent polling counts as waiting, so polling cannot keep itself going.
public struct BusyPollPolicy: Sendable {
    /// The longest poll before sleeping, in nanoseconds, at most a period; 0 never polls.
    public let maximum: UInt64
    /// How much time, busy and waiting together, each decision looks back on.
    public let period: UInt64
    private var busy: UInt64 = 0
    private var waiting: UInt64 = 0
    /// Whether the loop polls before sleeping, as decided at the end of the last period.
    public private(set) var polls = false

    public static let defaultPeriod: UInt64 = 10_000_000

    public init(maximum: UInt64, period: UInt64 = Self.defaultPeriod) {
        self.period = max(period, 1)
        self.maximum = min(maximum, self.period)
    }

    /// The loop worked (handled events, timers and tasks) for `nanoseconds`.
    public mutating func recordBusy(_ nanoseconds: UInt64) {
        busy &+= nanoseconds
        decideIfPeriodEnded()
    }

    /// The loop waited (polled or slept) for `nanoseconds`.
    public mutating func recordWaiting(_ nanoseconds: UInt64) {
        waiting &+= nanoseconds
        decideIfPeriodEnded()
    }

    /// Until when to poll, from `now`, before sleeping; nil to sleep at once. Never past
    /// `timerDeadline`, the loop's earliest timer: polling delays no timer.
    public func pollDeadline(from now: UInt64, timerDeadline: UInt64? = nil) -> UInt64? {
        polls ? min(now &+ maximum, timerDeadline ?? .max) : nil
    }

    private mutating func decideIfPeriodEnded() {
        guard busy &+ waiting >= period else { return }
        polls = maximum > 0 && busy >= waiting
        busy = 0
        waiting = 0
    }
}
