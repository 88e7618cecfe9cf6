import Testing
@testable import EventLoops

@Suite struct TimerQueueTests {
    @Test func staleEntriesAreSweptOnceTheHeapReachesItsSweepSize() {
        let group = EventLoopGroup(count: 1, name: "sweep")
        defer { group.shutdown() }
        let loop = group.loops[0]
        var queue = TimerQueue()
        let timers = (0..<TimerQueue.minimumSweepSize).map { _ in loop.makeTimer {} }
        // Pushed latest first, so the heap's order is not its insertion order.
        for (index, timer) in timers.enumerated() { queue.push(timer, deadline: UInt64(10_000 - index)) }
        let kept = Set(stride(from: 0, to: timers.count, by: 100))
        for (index, timer) in timers.enumerated() where !kept.contains(index) { timer.cancel() }
        #expect(queue.count == timers.count, "stale entries wait for the sweep")

        let earliest = loop.makeTimer {}
        queue.push(earliest, deadline: 5)
        #expect(queue.count == kept.count + 1)

        // What is left still comes out in deadline order.
        var due: [ObjectIdentifier] = []
        while let timer = queue.popDue(now: .max) { due.append(ObjectIdentifier(timer)) }
        let expected = [earliest] + kept.sorted(by: >).map { timers[$0] }
        #expect(due == expected.map { ObjectIdentifier($0) })
    }

    @Test func aHeapOfLiveTimersLosesNoneInTheSweep() {
        let group = EventLoopGroup(count: 1, name: "live")
        defer { group.shutdown() }
        let loop = group.loops[0]
        var queue = TimerQueue()
        let timers = (0...TimerQueue.minimumSweepSize).map { _ in loop.makeTimer {} }
        for (index, timer) in timers.enumerated() { queue.push(timer, deadline: UInt64(index)) }
        #expect(queue.count == timers.count)
        var due: [ObjectIdentifier] = []
        while let timer = queue.popDue(now: .max) { due.append(ObjectIdentifier(timer)) }
        #expect(due == timers.map { ObjectIdentifier($0) })
    }
}
