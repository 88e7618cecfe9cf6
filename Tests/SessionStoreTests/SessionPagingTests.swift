import TestSupport
import Testing
@testable import SessionStore

/// count, users, and limit/offset on soapp, soid and users.
@Suite struct SessionPagingTests {
    private let app = StoreFixture.app

    /// Sessions whose last activity lies the given seconds before one base second, which it answers
    /// (each for its own id unless named): their order and distances hold however long the creates took.
    private func populate(_ fixture: StoreFixture, ages: [(id: String, age: Int)]) async throws -> Int {
        var tokens: [String] = []
        for (id, _) in ages {
            tokens.append(try await fixture.create(id: id))
        }
        let base = try await fixture.now()
        for (token, (_, age)) in zip(tokens, ages) {
            try await fixture.age(token, to: base - age)
        }
        return base
    }

    /// Ended sessions awaiting the wipe inside a 100 s window: one idle-expired, one past its absolute end.
    private func addEndedSessions(_ fixture: StoreFixture) async throws {
        let idle = try await fixture.create(id: "idle-dead", ttl: "10")
        try await fixture.age(idle, by: 25)
        let absolute = try await fixture.createSession(id: "abs-dead", ttl: "1000", maxAge: "50").token
        try await fixture.age(absolute, by: 55)
    }

    @Test func countCountsLiveSessionsInTheWindow() async throws {
        let fixture = try await StoreFixture()
        let store = fixture.store
        let base = try await populate(fixture, ages: [("u1", 5), ("u1", 15), ("u2", 40), ("old", 300)])
        try await addEndedSessions(fixture)
        _ = try await fixture.create(id: "elsewhere", app: "otherapp")
        func count(_ dt: String) async throws -> Int {
            try await fixture.result { store.count(app: app, dt: dt, completion: $0) }.get()
        }
        // Sessions, not users: u1 counts twice; the two ended ones never.
        #expect(try await count("100") == 3)
        #expect(try await count("1000") == 4)
        // The boundary is included: the 15 s one is in the window until the clock ticks on.
        let (recent, clock) = try await fixture.during { try await count("15") }
        #expect(clock.answers { now in [5, 15].filter { base - $0 >= now - 15 }.count }.contains(recent))
        #expect(try await fixture.result { store.count(app: "otherapp", dt: "100", completion: $0) }.get() == 1)
        #expect(try await fixture.result { store.count(app: "emptyapp", dt: "100", completion: $0) }.get() == 0)
        // After the wipe the same answers.
        _ = try await fixture.result { store.wipe(completion: $0) }.get()
        #expect(try await count("100") == 3)
        #expect(await fixture.result { store.count(app: app, dt: "9", completion: $0) }.failure == .invalidDT)
    }

    @Test func usersListsIdsMostRecentlyActiveFirst() async throws {
        let fixture = try await StoreFixture()
        let store = fixture.store
        _ = try await populate(fixture, ages: [("c", 30), ("a:1", 50), ("b", 20), ("a:1", 10), ("old", 500)])
        func users(_ dt: String, limit: String? = nil, offset: String? = nil) async throws -> [String] {
            try await fixture.result { store.users(app: app, dt: dt, limit: limit, offset: offset, completion: $0) }.get()
        }
        #expect(try await users("100") == ["a:1", "b", "c"])
        #expect(try await users("1000") == ["a:1", "b", "c", "old"])
        // The ids activity counts.
        #expect(try await fixture.result { store.activity(app: app, dt: "100", completion: $0) }.get() == 3)
        #expect(try await users("1000", limit: "2") == ["a:1", "b"])
        #expect(try await users("1000", limit: "2", offset: "2") == ["c", "old"])
        #expect(try await users("1000", offset: "3") == ["old"])
        #expect(try await users("1000", limit: "5", offset: "4") == [])
        #expect(await fixture.result { store.users(app: app, dt: "100", limit: "0", completion: $0) }.failure == .invalidLimit)
    }

    @Test func sessionsOfAppPagesSkipEndedSessions() async throws {
        let fixture = try await StoreFixture()
        let store = fixture.store
        _ = try await populate(fixture, ages: (1...7).map { (id: "p\($0)", age: $0 * 8) })
        try await addEndedSessions(fixture)
        _ = try await populate(fixture, ages: [("outside", 200)])
        func page(limit: String?, offset: String?) async throws -> [String] {
            try await fixture.result { store.sessionsOfApp(app: app, dt: "100", limit: limit, offset: offset, completion: $0) }.get().map(\.id)
        }
        let whole = try await fixture.result { store.sessionsOfApp(app: app, dt: "100", completion: $0) }.get().map(\.id)
        #expect(whole == (1...7).map { "p\($0)" })
        // offset counts live sessions: the ended ones (ages 25 and 55) between them shift nothing.
        var paged: [String] = []
        for offset in stride(from: 0, to: 9, by: 3) {
            let ids = try await page(limit: "3", offset: String(offset))
            #expect(ids.count == min(3, 7 - offset))
            paged += ids
        }
        #expect(paged == whole)
        #expect(try await page(limit: "2", offset: "5") == ["p6", "p7"])
        #expect(try await page(limit: "1", offset: "3") == ["p4"])
        #expect(try await page(limit: nil, offset: "6") == ["p7"])
        #expect(try await page(limit: "1000", offset: nil) == whole)
        #expect(try await page(limit: "4", offset: "100") == [])
    }

    @Test func thousandsOfSessionsPageWithoutGapsOrRepeats() async throws {
        let fixture = try await StoreFixture()
        let store = fixture.store
        // 3,000 sessions a second apart (in one script, faster than 3,000 creates); every tenth
        // has ended by idle expiry inside the window, every fifteenth by its absolute end.
        let script = """
            local ns, app, now = ARGV[1], ARGV[2], tonumber(redis.call('TIME')[1])
            for i = 1, 3000 do
              local token, id, la = string.format('%064d', i), 'id' .. i, now - i
              local ttl, xa = 100000, nil
              if i % 10 == 0 then ttl = i - 1 elseif i % 15 == 0 then xa = now - 1 end
              local deadline = la + ttl
              if xa then deadline = xa end
              redis.call('ZADD', ns .. ':' .. app .. ':_sessions', la, token .. ':' .. id)
              redis.call('ZADD', ns .. ':' .. app .. ':_users', la, id)
              redis.call('ZADD', ns .. ':SESSIONS', deadline, app .. ':' .. token .. ':' .. id)
              redis.call('SADD', ns .. ':' .. app .. ':us:' .. id, token)
              redis.call('HSET', ns .. ':' .. app .. ':' .. token, 'id', id, 'r', 1, 'w', 1, 'ip', 'x', 'la', la, 'ttl', ttl)
              if xa then redis.call('HSET', ns .. ':' .. app .. ':' .. token, 'xa', xa) end
            end
            return 1
            """
        try await fixture.command("EVAL", script, "0", fixture.namespace, app)
        let live = (1...3000).filter { $0 % 10 != 0 && $0 % 15 != 0 }.map { "id\($0)" }
        let window = "100000"
        #expect(try await fixture.result { store.count(app: app, dt: window, completion: $0) }.get() == live.count)
        var paged: [String] = []
        for offset in stride(from: 0, to: 3000, by: 700) {
            paged += try await fixture.result {
                store.sessionsOfApp(app: app, dt: window, limit: "700", offset: String(offset), completion: $0)
            }.get().map(\.id)
        }
        // Compared whole but reported short: a failure should not print 3,000 ids.
        let pagedAsWhole = paged == live
        #expect(pagedAsWhole, "\(paged.count) paged of \(live.count) live")
        let users = try await fixture.result { store.users(app: app, dt: window, limit: "1000", offset: "2990", completion: $0) }.get()
        #expect(users == (2991...3000).map { "id\($0)" })
    }

    @Test func sessionsOfIdPagesNewestFirst() async throws {
        let fixture = try await StoreFixture()
        let store = fixture.store
        var tokens: [String] = []
        for ip in ["3", "1", "4", "2"] {
            tokens.append(try await fixture.create(id: "many", ip: ip))
        }
        let base = try await fixture.now()
        for (token, age) in zip(tokens, [30, 10, 40, 20]) {
            try await fixture.age(token, to: base - age)
        }
        let dead = try await fixture.createSession(id: "many", maxAge: "10").token
        try await fixture.setAbsoluteEnd(dead, inSeconds: -1)
        func page(limit: String?, offset: String?) async throws -> [String] {
            try await fixture.result { store.sessionsOfId(app: app, id: "many", limit: limit, offset: offset, completion: $0) }.get().map(\.ip)
        }
        #expect(try await page(limit: "10", offset: nil) == ["1", "2", "3", "4"])
        #expect(try await page(limit: "2", offset: "1") == ["2", "3"])
        #expect(try await page(limit: nil, offset: "3") == ["4"])
        #expect(try await page(limit: "1", offset: "4") == [])
        // Unpaged stays the reference's listing (unordered), read-only.
        let whole = try await fixture.result { store.sessionsOfId(app: app, id: "many", completion: $0) }.get()
        #expect(Set(whole.map(\.ip)) == ["1", "2", "3", "4"])
        #expect(try await fixture.hash(tokens[0])["r"] == "1")
    }

    @Test func pagingParametersAreValidatedAfterTheListingsOwn() async throws {
        let fixture = try await StoreFixture()
        let store = fixture.store
        func soapp(dt: String? = "100", limit: String?, offset: String?) async -> SessionStoreError? {
            await fixture.result { store.sessionsOfApp(app: app, dt: dt, limit: limit, offset: offset, completion: $0) }.failure
        }
        #expect(await soapp(dt: nil, limit: "0", offset: "-1") == .invalidDT)
        #expect(await soapp(limit: "0", offset: "-1") == .invalidLimit)
        #expect(await soapp(limit: "1001", offset: nil) == .invalidLimit)
        #expect(await soapp(limit: "ten", offset: nil) == .invalidLimit)
        #expect(await soapp(limit: "10", offset: "-1") == .invalidOffset)
        #expect(await soapp(limit: nil, offset: "x") == .invalidOffset)
        #expect(await soapp(limit: "", offset: "") == nil)
        let soid = await fixture.result { store.sessionsOfId(app: app, id: "", limit: "0", completion: $0) }
        #expect(soid.failure == .missingId)
        let soidLimit = await fixture.result { store.sessionsOfId(app: app, id: "u", limit: "0", completion: $0) }
        #expect(soidLimit.failure == .invalidLimit)
        let users = await fixture.result { store.users(app: app, dt: "100", offset: "-5", completion: $0) }
        #expect(users.failure == .invalidOffset)
    }
}
