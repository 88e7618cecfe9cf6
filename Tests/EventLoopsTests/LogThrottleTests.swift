import EventLoops
import Testing

@Suite struct LogThrottleTests {
    private let second: UInt64 = 1_000_000_000

    @Test func aKeyIsLoggedOnceAnIntervalAndWhatWasHeldBackIsCounted() {
        var throttle = LogThrottle(interval: .seconds(10))
        #expect(throttle.record("OOM", at: 100 * second) == .logNow(heldBack: 0))
        // Held back: the first asks for a flush when the interval ends.
        #expect(throttle.record("OOM", at: 101 * second) == .holdBack(flushAt: 110 * second))
        #expect(throttle.record("OOM", at: 109 * second) == .holdBack(flushAt: nil))
        // Another key has its own interval.
        #expect(throttle.record("READONLY", at: 109 * second) == .logNow(heldBack: 0))
        // Due again at the interval's end: the line says how many were held back; no flush is left.
        #expect(throttle.record("OOM", at: 110 * second) == .logNow(heldBack: 2))
        #expect(throttle.flush("OOM", at: 110 * second) == nil)
    }

    @Test func aFlushWritesWhatWasHeldBackAndStartsTheIntervalAgain() {
        var throttle = LogThrottle(interval: .seconds(10))
        #expect(throttle.record("OOM", at: 100 * second) == .logNow(heldBack: 0))
        #expect(throttle.record("OOM", at: 101 * second) == .holdBack(flushAt: 110 * second))
        #expect(throttle.record("OOM", at: 102 * second) == .holdBack(flushAt: nil))
        #expect(throttle.flush("OOM", at: 110 * second) == 2)
        // The flush was a line: the next one within its interval is held back again.
        #expect(throttle.record("OOM", at: 111 * second) == .holdBack(flushAt: 120 * second))
        #expect(throttle.flush("OOM", at: 120 * second) == 1)
        #expect(throttle.record("OOM", at: 500 * second) == .logNow(heldBack: 0))
    }

    @Test func flushingAllAtAStopWritesEveryKeyHeldBackOnce() {
        var throttle = LogThrottle(interval: .seconds(10))
        for key in ["OOM", "READONLY", "BUSY"] { _ = throttle.record(key, at: 100 * second) }
        _ = throttle.record("OOM", at: 101 * second)
        _ = throttle.record("OOM", at: 102 * second)
        _ = throttle.record("BUSY", at: 103 * second)
        let flushed = throttle.flushAll(at: 104 * second)
        #expect(flushed.map(\.key) == ["BUSY", "OOM"] && flushed.map(\.heldBack) == [1, 2])
        #expect(throttle.flushAll(at: 105 * second).isEmpty)
        #expect(throttle.flush("OOM", at: 110 * second) == nil, "the scheduled flush finds nothing left")
    }

    @Test func theKeysRememberedAreBounded() {
        var throttle = LogThrottle(interval: .seconds(10), maximumKeys: 4)
        for key in 0..<4 {
            #expect(throttle.record("cause \(key)", at: UInt64(key)) == .logNow(heldBack: 0))
        }
        #expect(throttle.record("cause 0", at: 1 * second) == .holdBack(flushAt: 10 * second))
        // One more key forgets the one logged longest ago (cause 0), which then logs again at once.
        #expect(throttle.record("one more", at: 2 * second) == .logNow(heldBack: 0))
        #expect(throttle.record("cause 0", at: 3 * second) == .logNow(heldBack: 0))
        #expect(throttle.record("cause 3", at: 3 * second) == .holdBack(flushAt: 10 * second + 3))
    }
}
