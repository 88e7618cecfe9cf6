import EventLoops
import Testing

@Suite struct BusyPollPolicyTests {
    @Test func aNewLoopSleepsAtOnce() {
        let policy = BusyPollPolicy(maximum: 300_000, period: 1_000_000)
        #expect(!policy.polls)
        #expect(policy.pollDeadline(from: 5_000) == nil)
    }

    @Test func aLoopBusyAtLeastHalfThePeriodPollsUpToTheMaximum() {
        var policy = BusyPollPolicy(maximum: 300_000, period: 1_000_000)
        policy.recordBusy(500_000)
        #expect(!policy.polls, "decided only once a whole period has passed")
        policy.recordWaiting(500_000)
        #expect(policy.polls)
        #expect(policy.pollDeadline(from: 5_000) == 305_000)
    }

    @Test func pollingEndsByTheEarliestTimer() {
        var policy = BusyPollPolicy(maximum: 300_000, period: 1_000_000)
        policy.recordBusy(1_000_000)
        #expect(policy.pollDeadline(from: 5_000, timerDeadline: 105_000) == 105_000)
        #expect(policy.pollDeadline(from: 5_000, timerDeadline: 900_000) == 305_000)
        #expect(policy.pollDeadline(from: 5_000, timerDeadline: 1_000) == 1_000, "a timer already due: one poll at most")
    }

    @Test func noPollOutlastsAPeriod() {
        let policy = BusyPollPolicy(maximum: 5_000_000_000, period: 10_000_000)
        #expect(policy.maximum == 10_000_000)
    }

    @Test func aLoopBusyLessThanHalfThePeriodStopsPolling() {
        var policy = BusyPollPolicy(maximum: 300_000, period: 1_000_000)
        policy.recordBusy(900_000)
        policy.recordWaiting(100_000)
        #expect(policy.polls)
        policy.recordBusy(499_000)
        policy.recordWaiting(501_000)
        #expect(!policy.polls)
        #expect(policy.pollDeadline(from: 5_000) == nil)
    }

    /// Each period is judged on its own time: a busy past does not outweigh a quiet present.
    @Test func eachPeriodStartsFromNothing() {
        var policy = BusyPollPolicy(maximum: 300_000, period: 1_000_000)
        policy.recordBusy(10_000_000)
        #expect(policy.polls)
        policy.recordWaiting(1_000_000)
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
        var policy = BusyPollPolicy(maximum: 0, period: 1_000_000)
        policy.recordBusy(1_000_000)
        #expect(!policy.polls)
        #expect(policy.pollDeadline(from: 5_000) == nil)
    }
}
