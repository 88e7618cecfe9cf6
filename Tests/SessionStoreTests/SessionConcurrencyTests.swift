import RedisClient
import TestSupport
import Testing
@testable import SessionStore

/// Races between operations and between store instances.
@Suite struct SessionConcurrencyTests {
    @Test func killRacingGetsLeavesNothingBehind() async throws {
        let fixture = try await StoreFixture()
        for _ in 0..<10 {
            let token = try await fixture.create(id: "racer:1")
            let store = fixture.store
            await withTaskGroup(of: Void.self) { group in
                for index in 0..<20 {
                    group.addTask {
                        if index == 10 {
                            _ = await fixture.result { store.kill(app: StoreFixture.app, token: token, completion: $0) }
                        } else {
                            _ = await fixture.result { store.get(app: StoreFixture.app, token: token, completion: $0) }
                        }
                    }
                }
            }
            #expect(try await fixture.keys() == [])
        }
    }

    @Test func tenInstancesWipeOnceAndRemoveOnlyExpiredSessions() async throws {
        let first = try await StoreFixture()
        var instances = [first]
        for _ in 1..<10 { instances.append(try await StoreFixture(namespace: first.namespace)) }
        let second = instances[1]
        var expired: [String] = []
        var live: [String] = []
        for index in 0..<20 {
            // The live ones with room to spare: they must outlive the test however slowly it runs.
            let token = try await first.create(id: "u:\(index % 3)", ttl: index % 2 == 0 ? "10" : "3600")
            if index % 2 == 0 {
                try await first.age(token, by: 12)
                expired.append(token)
            } else {
                live.append(token)
            }
        }
        // A deadline in SESSIONS that is too early (a score written before la moved): the hash
        // says the session is still valid, so the wipe keeps it and corrects the score.
        let stale = try await first.create(id: "stale", ttl: "100")
        try await first.command("ZADD", first.namespace + ":SESSIONS", "5", "\(StoreFixture.app):\(stale):stale")
        let wipesBegan = ContinuousClock.now
        let counts = try await withThrowingTaskGroup(of: Int.self) { group in
            for instance in instances {
                group.addTask { try await instance.result { instance.store.wipe(completion: $0) }.get() }
            }
            var counts: [Int] = []
            for try await count in group { counts.append(count) }
            return counts
        }
        #expect(counts.sorted() == Array(repeating: 0, count: 9) + [10])
        for token in expired {
            #expect(try await first.hash(token) == [:])
        }
        for token in live + [stale] {
            #expect(try await first.get(token) != nil)
        }
        #expect(try await first.score("SESSIONS", "\(StoreFixture.app):\(stale):stale") ?? 0 > 5)
        let lockHeld = try await first.command("EXISTS", first.namespace + ":_wipelock") == .integer(1)
        #expect(lockHeld || !StoreFixture.wipeLockMustBeHeld(since: wipesBegan))
        // The lock holds for the interval: a second wipe right away does nothing, though a session
        // has expired since (unless a loaded machine took longer than the lock lasts).
        let late = try await first.create(id: "late", ttl: "10")
        try await first.age(late, by: 12)
        let again = try await second.result { second.store.wipe(completion: $0) }.get()
        #expect(again == 0 || (again == 1 && !StoreFixture.wipeLockMustBeHeld(since: wipesBegan)))
    }

    @Test func wipeWorksInBatches() async throws {
        let fixture = try await StoreFixture()
        let script = """
            local ns, app, now = ARGV[1], ARGV[2], tonumber(redis.call('TIME')[1])
            for i = 1, 2300 do
              local token, id = string.format('%064d', i), 'id:' .. i
              redis.call('ZADD', ns .. ':' .. app .. ':_sessions', now - 50, token .. ':' .. id)
              redis.call('ZADD', ns .. ':' .. app .. ':_users', now - 50, id)
              redis.call('ZADD', ns .. ':SESSIONS', now - 40, app .. ':' .. token .. ':' .. id)
              redis.call('SADD', ns .. ':' .. app .. ':us:' .. id, token)
              redis.call('HSET', ns .. ':' .. app .. ':' .. token, 'id', id, 'r', 1, 'w', 1, 'ip', 'x', 'la', now - 50, 'ttl', 10)
            end
            redis.call('ZADD', ns .. ':SESSIONS', now - 40, 'malformed')
            return 1
            """
        try await fixture.command("EVAL", script, "0", fixture.namespace, StoreFixture.app)
        let wipeBegan = ContinuousClock.now
        #expect(try await fixture.result { fixture.store.wipe(completion: $0) }.get() == 2301)
        #expect(try await fixture.keysAfterWipe(begun: wipeBegan) == [])
    }

    @Test func aFailedWipeIsTriedAgainSoonNotAnIntervalLater() async throws {
        // A server of its own: the ACL change acts on every client of the default user.
        let server = try PrivateRedisServer()
        defer { withExtendedLifetime(server) {} }
        let fixture = try await StoreFixture(wipeInterval: 600, url: server.url, wipeRetryDelay: .milliseconds(200))
        let token = try await fixture.create(ttl: "10")
        try await fixture.age(token, by: 20)
        // The wipe's lock (a SET) denied: an error that is no refusal of Redis's state (as OOM is,
        // under which the wipe goes on unlocked), so the wipe fails.
        try await fixture.command("ACL", "SETUSER", "default", "-set")
        fixture.store.start()
        defer { fixture.store.stop() }
        #expect(try await eventually { try await Self.deniedCommands(fixture) > 0 })
        #expect(try await fixture.hash(token) != [:], "the failed wipe removed nothing")
        try await fixture.command("ACL", "SETUSER", "default", "+set")
        // The next wipe comes after the retry delay (200 ms, doubled per failure meanwhile), long
        // before the interval; 8 s also rules out the default delay of 10 s being used instead.
        #expect(try await eventually(within: .seconds(8)) { try await fixture.hash(token) == [:] })
    }

    private static func deniedCommands(_ fixture: StoreFixture) async throws -> Int {
        let stats = try await fixture.command("INFO", "errorstats").string ?? ""
        guard let line = stats.split(separator: "\r\n").first(where: { $0.hasPrefix("errorstat_NOPERM:count=") }) else { return 0 }
        return Int(line.dropFirst("errorstat_NOPERM:count=".count)) ?? 0
    }

    @Test func startedStoreWipesOnItsTimer() async throws {
        let fixture = try await StoreFixture(wipeInterval: 10)
        let token = try await fixture.create(ttl: "10")
        try await fixture.age(token, by: 20)
        let started = ContinuousClock.now
        fixture.store.start()
        defer { fixture.store.stop() }
        // The first wipe runs at start; wait for it to finish (not for time to pass).
        #expect(try await eventually { try await fixture.hash(token) == [:] })
        #expect(try await fixture.keysAfterWipe(begun: started) == [])
        // Held for the interval less a second (or gone, or taken again by the next wipe, on a loaded machine).
        let ttl = try await fixture.command("PTTL", fixture.namespace + ":_wipelock").integer ?? 0
        #expect(ttl <= 9000 && (ttl > 0 || !StoreFixture.wipeLockMustBeHeld(since: started)))
    }
}
