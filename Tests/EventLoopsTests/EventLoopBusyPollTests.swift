@testable import EventLoops
import Glibc
import Testing

/// The loop's side of BusyPollPolicy: what it decides, the CPU time its thread spends (a sleep
/// spends none), and its timers. CPU bounds are wide: the machine may be busy with other tests.
@Suite struct EventLoopBusyPollTests {
    /// The loop feeds its policy: busy for three periods, its next wait polls. Counted, not read
    /// from CPU time: a poll yields to every other runnable thread, so on a machine busy with other
    /// tests its CPU time says little.
    @Test func aLoopBusyForAWholePeriodPollsBeforeItSleeps() {
        let group = EventLoopGroup(count: 1, name: "poll", busyPollMaximum: .milliseconds(5))
        defer { group.shutdown() }
        let loop = group.loops[0]
        let before = loop.sync { () -> UInt64 in
            let end = EventLoop.now() + 30_000_000
            while EventLoop.now() < end {}
            return loop.pollCount
        }
        #expect(loop.sync { loop.pollCount } > before)
    }

    @Test func aTimerDueWhileTheLoopPollsFires() async throws {
        let group = EventLoopGroup(count: 1, name: "poll-timer", busyPollMaximum: .milliseconds(10))
        defer { group.shutdown() }
        let loop = group.loops[0]
        let firedAfter = PthreadLock<UInt64?>(nil)
        loop.sync {
            let end = EventLoop.now() + 30_000_000
            while EventLoop.now() < end {}
            let scheduled = EventLoop.now()
            loop.schedule(after: 100_000) { firedAfter.withLock { $0 = EventLoop.now() - scheduled } }
        }
        for _ in 0..<50 where firedAfter.withLock({ $0 }) == nil {
            try await Task.sleep(for: .milliseconds(10))
        }
        let delay = try #require(firedAfter.withLock { $0 }, "the timer never fired")
        #expect(delay < 250_000_000, "a 0.1 ms timer fired after \(delay) ns")
    }

    @Test func aQuietLoopSleepsAtOnce() async throws {
        let group = EventLoopGroup(count: 1, name: "quiet", busyPollMaximum: .milliseconds(500))
        defer { group.shutdown() }
        let loop = group.loops[0]
        let before = loop.sync { Self.threadCPUTime() }
        for _ in 0..<20 {
            loop.execute {}
            try await Task.sleep(for: .milliseconds(10))
        }
        let used = loop.sync { Self.threadCPUTime() } - before
        #expect(used < 40_000_000, "the loop's thread used \(used) ns of CPU for 20 empty tasks in 200 ms")
    }

    @Test func aLoopWithoutBusyPollingSleepsEvenAfterBusyWork() async throws {
        let group = EventLoopGroup(count: 1, name: "sleeper")
        defer { group.shutdown() }
        let used = try await Self.cpuTimeAfterBusyTask(on: group.loops[0])
        #expect(used < 10_000_000, "the loop's thread used \(used) ns of CPU in 50 ms after its busy task")
    }

    /// The CPU time the loop's thread uses in the 50 ms after a task that kept it busy for 30 ms,
    /// three periods of the policy.
    private static func cpuTimeAfterBusyTask(on loop: EventLoop) async throws -> UInt64 {
        let before = loop.sync { () -> UInt64 in
            let end = EventLoop.now() + 30_000_000
            while EventLoop.now() < end {}
            return threadCPUTime()
        }
        try await Task.sleep(for: .milliseconds(50))
        return loop.sync { threadCPUTime() } - before
    }

    private static func threadCPUTime() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }
}
