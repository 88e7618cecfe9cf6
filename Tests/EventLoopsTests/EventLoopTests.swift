import CEpoll
import Dispatch
import EventLoops
import Glibc
import Testing

@Suite struct EventLoopTests {
    @Test func executeRunsTasksOnTheLoopInOrder() async {
        let group = EventLoopGroup(count: 1, name: "order")
        defer { group.shutdown() }
        let loop = group.loops[0]
        #expect(!loop.inEventLoop)
        #expect(EventLoop.current == nil)
        let seen = PthreadLock<[Int]>([])
        let onLoop = PthreadLock<[Bool]>([])
        for index in 0..<1000 {
            loop.execute {
                seen.withLock { $0.append(index) }
                onLoop.withLock { $0.append(loop.inEventLoop && EventLoop.current === loop && group.currentLoop === loop) }
            }
        }
        loop.sync {}
        #expect(seen.withLock { $0 } == Array(0..<1000))
        #expect(onLoop.withLock { $0.allSatisfy { $0 } })
    }

    @Test func workDeferredToTheEndOfAPassRunsAfterTheTasksOfThatPass() async throws {
        let group = EventLoopGroup(count: 1, name: "defer")
        defer { group.shutdown() }
        let loop = group.loops[0]
        let steps = PthreadLock<[String]>([])
        loop.execute {
            steps.withLock { $0.append("task") }
            loop.deferToEndOfPass { steps.withLock { $0.append("deferred") } }
            loop.deferToEndOfPass { steps.withLock { $0.append("deferred again") } }
            loop.execute { steps.withLock { $0.append("queued from the loop") } }
        }
        // Waits for the whole pass (a sync task could run in the same pass, before its end).
        try await eventually { steps.withLock { $0.count } == 4 }
        #expect(steps.withLock { $0 } == ["task", "queued from the loop", "deferred", "deferred again"])
    }

    @Test func tasksAfterShutdownAreDroppedAndTheQueuedOnesRun() async throws {
        let group = EventLoopGroup(count: 1, name: "stop")
        let loop = group.loops[0]
        let ran = PthreadLock<[String]>([])
        // The loop lets go of a pending timer's owner only once its thread has ended: the sign
        // that the loop has stopped, however long a loaded machine takes to get there.
        let released = PthreadLock<[String]>([])
        loop.sync {
            let owner = LoopUser(loop: loop, name: "stopped", released: released)
            loop.makeTimer { _ = owner }.schedule(at: .max)
        }
        loop.execute { ran.withLock { $0.append("before") } }
        group.shutdown()
        try await eventually { released.withLock { $0 } == ["stopped"] }
        loop.execute { ran.withLock { $0.append("after") } }
        loop.schedule(after: 0) { ran.withLock { $0.append("timer after") } }
        try await Task.sleep(for: .milliseconds(50))
        #expect(ran.withLock { $0 } == ["before"])
    }

    /// Owners a stopped loop lets go of may use the loop from their deinit: the loop must neither
    /// trip over that (a collection being replaced, its lock held) nor keep what they add.
    @Test func aStoppedLoopReleasesWhatItHeldEvenWhenTheirDeinitUsesTheLoop() async throws {
        let group = EventLoopGroup(count: 1, name: "release")
        let loop = group.loops[0]
        let released = PthreadLock<[String]>([])
        let (ours, theirs) = try socketPair()
        defer {
            close(ours)
            close(theirs)
        }
        loop.sync {
            let timerOwner = LoopUser(loop: loop, name: "timer", released: released)
            loop.makeTimer { _ = timerOwner }.schedule(at: .max)
            let watcherOwner = LoopUser(loop: loop, name: "watcher", released: released)
            _ = loop.watch(ours) { _ in _ = watcherOwner }
        }
        loop.execute {
            group.shutdown()
            // Queued after this last pass took its tasks: dropped, not run, when the thread ends.
            // Only the queued task may hold the owner, so that its deinit runs on the loop.
            let handOver = PthreadLock<LoopUser?>(LoopUser(loop: loop, name: "task", released: released))
            let queued = DispatchSemaphore(value: 0)
            DispatchQueue.global().async {
                loop.execute { [owner = handOver.withLock { $0.take() }] in _ = owner }
                queued.signal()
            }
            queued.wait()
        }
        try await eventually { released.withLock { $0.sorted() } == ["task", "timer", "watcher"] }
    }

    @Test func syncReturnsTheValueComputedOnTheLoop() {
        let group = EventLoopGroup(count: 2, name: "sync")
        defer { group.shutdown() }
        #expect(group.loops[1].sync { EventLoop.current === group.loops[1] })
        #expect(group.loops[0].sync { 6 * 7 } == 42)
    }

    @Test func nextLoopGoesRoundRobin() {
        let group = EventLoopGroup(count: 3, name: "round")
        defer { group.shutdown() }
        let picked = (0..<6).map { _ in group.nextLoop() }
        #expect(picked.map { ObjectIdentifier($0) } == (group.loops + group.loops).map { ObjectIdentifier($0) })
    }

    @Test func aGroupOfDefaultSizeHasALoopPerProcessorTheThreadMayUse() throws {
        var original = [UInt](repeating: 0, count: Int(CEPOLL_AFFINITY_WORDS))
        try #require(cepoll_get_affinity(&original) == 0)
        defer { _ = cepoll_set_affinity(original) }
        #expect(EventLoopGroup.usableProcessorCount == original.reduce(0) { $0 + $1.nonzeroBitCount })

        // Pinned to one processor (as taskset or a container's cpuset would), the count follows.
        let online = Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        let firstWord = try #require(original.firstIndex { $0 != 0 })
        var oneProcessor = [UInt](repeating: 0, count: original.count)
        oneProcessor[firstWord] = 1 << UInt(original[firstWord].trailingZeroBitCount)
        try #require(cepoll_set_affinity(oneProcessor) == 0)
        #expect(EventLoopGroup.usableProcessorCount == 1, "\(online) online")
        let group = EventLoopGroup(name: "pinned")
        defer { group.shutdown() }
        #expect(group.loops.count == 1)
    }

    @Test func timersFireInDeadlineOrderAndCancelledOnesNever() async throws {
        let group = EventLoopGroup(count: 1, name: "timers")
        defer { group.shutdown() }
        let loop = group.loops[0]
        let fired = PthreadLock<[String]>([])
        loop.execute {
            let start = EventLoop.now()
            let late = loop.makeTimer { fired.withLock { $0.append("late") } }
            let early = loop.makeTimer { fired.withLock { $0.append("early") } }
            let cancelled = loop.makeTimer { fired.withLock { $0.append("cancelled") } }
            let moved = loop.makeTimer { fired.withLock { $0.append("moved earlier") } }
            late.schedule(at: start + 60_000_000)
            early.schedule(at: start + 20_000_000)
            cancelled.schedule(at: start + 10_000_000)
            cancelled.cancel()
            cancelled.schedule(at: start + 30_000_000)  // cancelled for good
            moved.schedule(at: start + 500_000_000)
            moved.schedule(at: start + 40_000_000)
        }
        try await eventually { fired.withLock { $0.count } >= 3 }
        try await Task.sleep(for: .milliseconds(100))
        #expect(fired.withLock { $0 } == ["early", "moved earlier", "late"])
    }

    @Test func scheduleAfterRunsNoEarlierThanItsDelay() async throws {
        let group = EventLoopGroup(count: 1, name: "after")
        defer { group.shutdown() }
        let start = EventLoop.now()
        let ranAt = PthreadLock<UInt64?>(nil)
        group.loops[0].schedule(after: 30_000_000) { ranAt.withLock { $0 = EventLoop.now() } }
        try await eventually { ranAt.withLock { $0 } != nil }
        #expect(try #require(ranAt.withLock { $0 }) - start >= 30_000_000)
    }

    @Test func watcherReportsReadableAndWritableAsInterestAllows() async throws {
        let group = EventLoopGroup(count: 1, name: "watch")
        defer { group.shutdown() }
        let loop = group.loops[0]
        let (ours, peer) = try socketPair()
        defer { close(peer) }
        let events = PthreadLock<(readable: Int, writable: Int)>((0, 0))
        let watcher = loop.sync {
            let watcher = loop.watch(ours) { reported in
                events.withLock {
                    if reported.isReadable { $0.readable += 1 }
                    if reported.isWritable { $0.writable += 1 }
                }
                if reported.isReadable {
                    var byte: UInt8 = 0
                    _ = read(ours, &byte, 1)
                }
            }
            return UncheckedBox(watcher)
        }

        // No interest yet: bytes waiting raise nothing.
        #expect(write(peer, "a", 1) == 1)
        try await Task.sleep(for: .milliseconds(30))
        #expect(events.withLock { $0.readable } == 0)

        loop.execute { watcher.value.setReading(true) }
        try await eventually { events.withLock { $0.readable } == 1 }
        #expect(events.withLock { $0.writable } == 0)

        loop.execute { watcher.value.setInterest(reading: false, writing: true) }
        try await eventually { events.withLock { $0.writable } >= 1 }
        loop.sync { watcher.value.setWriting(false) }
        let writableSoFar = events.withLock { $0.writable }
        try await Task.sleep(for: .milliseconds(30))
        #expect(events.withLock { $0.writable } == writableSoFar)

        loop.sync { watcher.value.stop() }
        #expect(write(peer, "b", 1) == 1)
        try await Task.sleep(for: .milliseconds(30))
        #expect(events.withLock { $0.readable } == 1)
        close(ours)
    }

    @Test func aHangUpWithoutInterestIsNotReported() async throws {
        let group = EventLoopGroup(count: 1, name: "hangup")
        defer { group.shutdown() }
        let loop = group.loops[0]
        let (ours, peer) = try socketPair()
        let reports = PthreadLock(0)
        let watcher = loop.sync {
            let watcher = loop.watch(ours) { _ in reports.withLock { $0 += 1 } }
            watcher.setReading(true)
            watcher.setReading(false)
            return UncheckedBox(watcher)
        }
        close(peer)
        try await Task.sleep(for: .milliseconds(50))
        #expect(reports.withLock { $0 } == 0)
        loop.execute { watcher.value.setReading(true) }
        try await eventually { reports.withLock { $0 } >= 1 }
        loop.sync { watcher.value.stop() }
        close(ours)
    }

    private func socketPair() throws -> (Int32, Int32) {
        var descriptors: [Int32] = [0, 0]
        try #require(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &descriptors) == 0)
        for descriptor in descriptors {
            _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
        }
        return (descriptors[0], descriptors[1])
    }

    /// Waits for `condition` up to 30 s: a bound on waiting for the loop, generous for a loaded machine.
    private func eventually(_ condition: () -> Bool) async throws {
        let end = ContinuousClock.now + .seconds(30)
        while !condition() && ContinuousClock.now < end {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(condition())
    }
}

/// Uses its loop from its deinit as an owner of a watcher or timer may: stops, schedules, queues.
private final class LoopUser: Sendable {
    let loop: EventLoop
    let name: String
    let released: PthreadLock<[String]>

    init(loop: EventLoop, name: String, released: PthreadLock<[String]>) {
        self.loop = loop
        self.name = name
        self.released = released
    }

    deinit {
        loop.makeTimer {}.schedule(at: 0)
        loop.execute {}
        loop.shutdown()
        released.withLock { $0.append(name) }
    }
}

/// Carries a loop-confined object through `sync` to be used again only on that loop.
struct UncheckedBox<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
