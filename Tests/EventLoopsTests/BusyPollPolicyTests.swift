import EventLoops
import Testing

@Suite struct BusyPollPolicyTests {
    @Test func aNewLoopSleepsAtOnce() {
        let policy = BusyPollPolicy(maximum: 300_000, period: 1_000)
        #expect(!policy.polls)
        #expect(policy.pollDeadline(from: 5_000) == nil)
    }

    @Test func aLoopBusyAtLeastHalfThePeriodPollsUpToTheMaximum() {
        var policy = BusyPollPolicy(maximum: 300_000, period: 1_000)
        policy.recordBusy(500)
        #expect(!policy.polls, "decided only once a whole period has passed")
        policy.recordWaiting(500)
        #expect(policy.polls)
        #expect(policy.pollDeadline(from: 5_000) == 305_000)
    }

    @Test func aLoopBusyLessThanHalfThePeriodStopsPolling() {
        var policy = BusyPollPolicy(maximum: 300_000, period: 1_000)
        policy.recordBusy(900)
        policy.recordWaiting(100)
        #expect(policy.polls)
        policy.recordBusy(499)
        policy.recordWaiting(501)
        #expect(!policy.polls)
        #expect(policy.pollDeadline(from: 5_000) == nil)
    }

    /// Each period is judged on its own time: a busy past does not outweigh a quiet present.
    @Test func eachPeriodStartsFromNothing() {
        var policy = BusyPollPolicy(maximum: 300_000, period: 1_000)
        policy.recordBusy(10_000)
        #expect(policy.polls)
        policy.recordWaiting(1_000)
        #expect(!policy.polls)
    }

    /// A long sleep ends a period by itself: a loop back from a quiet hour sleeps at once.
    @Test func oneLongWaitEndsThePeriodWithoutPolling() {
        var policy = BusyPollPolicy(maximum: 300_000, period: 10_000_000)
        policy.recordBusy(9_000_000)
        policy.recordWaiting(1_000_000)
        #expect(policy.polls)
        policy.recordWaiting(3_600_000_000_000)
        #expect(!policy.polls)
    }

    @Test func aMaximumOfZeroNeverPolls() {
        var policy = BusyPollPolicy(maximum: 0, period: 1_000)
        policy.recordBusy(1_000)
        #expect(!policy.polls)
        #expect(policy.pollDeadline(from: 5_000) == nil)
    }
}
