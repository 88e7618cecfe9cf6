import TestSupport
import Testing
@testable import SessionStore

/// activity, soapp, soid, killsoid and killall.
@Suite struct SessionListingTests {
    private let app = StoreFixture.app

    @Test func activityCountsDistinctIdsInTheWindow() async throws {
        let fixture = try await StoreFixture()
        _ = try await fixture.create(id: "u1")
        _ = try await fixture.create(id: "u1")
        _ = try await fixture.create(id: "u:2")
        let old = try await fixture.create(id: "u3")
        try await fixture.age(old, by: 100)
        let edge = try await fixture.create(id: "u4")
        let edgeActivity = try await fixture.age(edge, by: 50)
        let store = fixture.store
        let (atEdge, clock) = try await fixture.during { try await fixture.result { store.activity(app: app, dt: "50", completion: $0) }.get() }
        // The window [now - 50, now] includes its boundary: u4 is in it until the clock ticks on.
        #expect(clock.answers { now in now - 50 <= edgeActivity ? 3 : 2 }.contains(atEdge))
        #expect(try await fixture.result { store.activity(app: app, dt: "40", completion: $0) }.get() == 2)
        #expect(try await fixture.result { store.activity(app: app, dt: "1000", completion: $0) }.get() == 4)
        #expect(try await fixture.result { store.activity(app: "otherapp", dt: "1000", completion: $0) }.get() == 0)
    }

    @Test func sessionsOfAppMostRecentFirst() async throws {
        let fixture = try await StoreFixture()
        let first = try await fixture.create(id: "first")
        let second = try await fixture.create(id: "sec:ond")
        let third = try await fixture.create(id: "third")
        let expired = try await fixture.create(id: "expired", ttl: "10")
        // Aged from one base second, so their order and distances hold however long the creates took.
        let base = try await fixture.now()
        try await fixture.age(first, to: base - 30)
        try await fixture.age(second, to: base - 10)
        try await fixture.age(third, to: base - 20)
        try await fixture.age(expired, by: 15)
        let store = fixture.store
        let (all, clock) = try await fixture.during { try await fixture.result { store.sessionsOfApp(app: app, dt: "100", completion: $0) }.get() }
        #expect(all.map(\.id) == ["sec:ond", "third", "first"])
        #expect(zip(all.map(\.idle), [10, 20, 30]).allSatisfy { idle, age in clock.since(base - age).contains(idle) })
        let (recent, recentClock) = try await fixture.during { try await fixture.result { store.sessionsOfApp(app: app, dt: "25", completion: $0) }.get() }
        // third (idle 20) stays in the 25 s window until 5 s after the base second.
        #expect(recentClock.answers { now in now - 25 <= base - 20 ? ["sec:ond", "third"] : ["sec:ond"] }.contains(recent.map(\.id)))
        // Listing neither counts nor refreshes.
        #expect(try await fixture.hash(first)["r"] == "1")
        #expect(try await fixture.result { store.sessionsOfApp(app: app, dt: "100", completion: $0) }.get().map(\.id) == ["sec:ond", "third", "first"])
    }

    @Test func sessionsOfIdAndKillSessionsOfId() async throws {
        let fixture = try await StoreFixture()
        let store = fixture.store
        let id = "mail:user@example.com:1"
        let tokens = [try await fixture.create(id: id, ip: "1.1.1.1"), try await fixture.create(id: id, ip: "2.2.2.2")]
        let expired = try await fixture.create(id: id, ttl: "10")
        try await fixture.age(expired, by: 11)
        let other = try await fixture.create(id: "mail:user@example.com")
        let sessions = try await fixture.result { store.sessionsOfId(app: app, id: id, completion: $0) }.get()
        #expect(Set(sessions.map(\.ip)) == ["1.1.1.1", "2.2.2.2"])
        #expect(sessions.allSatisfy { $0.id == id && $0.reads == 1 })
        #expect(try await fixture.result { store.sessionsOfId(app: app, id: "nobody", completion: $0) }.get() == [])
        #expect(try await fixture.result { store.killSessionsOfId(app: app, id: id, completion: $0) }.get() == 2)
        for token in tokens + [expired] {
            #expect(try await fixture.hash(token) == [:])
        }
        #expect(try await fixture.result { store.killSessionsOfId(app: app, id: id, completion: $0) }.get() == 0)
        #expect(try await fixture.kill(other) == 1)
        #expect(try await fixture.keys() == [])
    }

    @Test func killAllEndsEverySessionOfTheAppOnly() async throws {
        let fixture = try await StoreFixture()
        for id in ["a", "a", "b:c", "d::"] { _ = try await fixture.create(id: id) }
        let expired = try await fixture.create(id: "x", ttl: "10")
        try await fixture.age(expired, by: 11)
        let keep = try await fixture.create(id: "a", app: "otherapp")
        // Ours: the answer counts the live sessions ended (the expired one is removed uncounted).
        #expect(try await fixture.result { fixture.store.killAll(app: app, completion: $0) }.get() == 4)
        let ns = fixture.namespace
        #expect(try await fixture.keys() == ["\(ns):SESSIONS", "\(ns):otherapp:\(keep)", "\(ns):otherapp:_sessions", "\(ns):otherapp:_users", "\(ns):otherapp:us:a"].sorted())
        #expect(try await fixture.get(keep, app: "otherapp") != nil)
        #expect(try await fixture.result { fixture.store.killAll(app: app, completion: $0) }.get() == 0)
    }

    @Test func killAllWorksInBatchesAndRemovesLeftovers() async throws {
        let fixture = try await StoreFixture()
        // 2,500 sessions written in one script (faster than 2,500 creates), plus index entries
        // without a hash as the reference's racing writes leave them.
        let script = """
            local ns, app, now = ARGV[1], ARGV[2], tonumber(redis.call('TIME')[1])
            for i = 1, 2500 do
              local token, id = string.format('%064d', i), 'id:' .. (i % 700)
              redis.call('ZADD', ns .. ':' .. app .. ':_sessions', now, token .. ':' .. id)
              redis.call('ZADD', ns .. ':' .. app .. ':_users', now, id)
              redis.call('ZADD', ns .. ':SESSIONS', now + 100, app .. ':' .. token .. ':' .. id)
              redis.call('SADD', ns .. ':' .. app .. ':us:' .. id, token)
              redis.call('HSET', ns .. ':' .. app .. ':' .. token, 'id', id, 'r', 1, 'w', 1, 'ip', 'x', 'la', now, 'ttl', 100)
            end
            redis.call('ZADD', ns .. ':' .. app .. ':_sessions', now, string.rep('z', 64) .. ':ghost')
            redis.call('ZADD', ns .. ':' .. app .. ':_users', now, 'lonely')
            redis.call('SADD', ns .. ':' .. app .. ':us:lonely', string.rep('y', 64))
            return 1
            """
        try await fixture.command("EVAL", script, "0", fixture.namespace, app)
        #expect(try await fixture.result { fixture.store.killAll(app: app, completion: $0) }.get() == 2500)
        #expect(try await fixture.keys() == [])
    }
}
