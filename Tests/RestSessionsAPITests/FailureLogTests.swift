import Testing

@testable import RestSessionsAPI

@Suite struct FailureLogTests {
    private let start = ContinuousClock.now

    @Test func eachCauseIsLoggedOnceAnIntervalWithHowManyWentUnlogged() {
        var log = FailureLog(interval: .seconds(10))
        #expect(log.record("NOPERM evalsha", at: start) == 0)
        #expect(log.record("NOPERM evalsha", at: start + .seconds(1)) == nil)
        #expect(log.record("NOPERM evalsha", at: start + .seconds(9)) == nil)
        // Another cause has its own interval.
        #expect(log.record("stored d is not a flat JSON object", at: start + .seconds(9)) == 0)
        #expect(log.record("NOPERM evalsha", at: start + .seconds(10)) == 2)
        #expect(log.record("NOPERM evalsha", at: start + .seconds(30)) == 0)
    }

    @Test func theCausesRememberedAreBounded() {
        var log = FailureLog(interval: .seconds(10))
        for cause in 0..<FailureLog.maximumCauses {
            #expect(log.record("cause \(cause)", at: start + .milliseconds(cause)) == 0)
        }
        #expect(log.record("cause 0", at: start + .seconds(1)) == nil)
        // One more cause forgets the least recently logged (cause 0), which then logs again at once.
        #expect(log.record("one more", at: start + .seconds(2)) == 0)
        #expect(log.record("cause 0", at: start + .seconds(3)) == 0)
        #expect(log.record("cause 5", at: start + .seconds(3)) == nil)
    }
}
