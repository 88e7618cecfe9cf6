import JSONText
import Logging
import RedisClient
import TestSupport
import Testing
@testable import SessionStore

/// create, get, set, kill against a real Redis: results, arithmetic, layout, expiry.
@Suite struct SessionStoreTests {
    @Test func createWritesTheRedisSessionsLayout() async throws {
        let fixture = try await StoreFixture()
        let (token, clock) = try await fixture.during {
            try await fixture.create(id: "user:1:x", ip: "10.0.0.7", ttl: "3600", data: #"{"cart":3,"n":null}"#)
        }
        #expect(token.utf8.count == 64)
        let ns = fixture.namespace, app = StoreFixture.app
        #expect(try await fixture.keys() == ["\(ns):SESSIONS", "\(ns):\(app):\(token)", "\(ns):\(app):_sessions", "\(ns):\(app):_users", "\(ns):\(app):us:user:1:x"].sorted())
        let hash = try await fixture.hash(token)
        let la = try #require(hash["la"].flatMap { Int($0) })
        #expect(clock.contains(la))
        #expect(hash == ["id": "user:1:x", "r": "1", "w": "1", "ip": "10.0.0.7", "la": String(la), "ttl": "3600", "d": #"{"cart":3}"#])
        #expect(try await fixture.score("\(app):_sessions", "\(token):user:1:x") == la)
        #expect(try await fixture.score("\(app):_users", "user:1:x") == la)
        #expect(try await fixture.score("SESSIONS", "\(app):\(token):user:1:x") == la + 3600)
        #expect(try await fixture.command("SMEMBERS", "\(ns):\(app):us:user:1:x") == .array([.bulkString(Array(token.utf8))]))
    }

    @Test func createWithoutDataStoresNoD() async throws {
        let fixture = try await StoreFixture()
        for body in [nil, "{}", "[]", #"{"a":null}"#] as [String?] {
            let token = try await fixture.create(data: body)
            #expect(try await fixture.hash(token)["d"] == nil)
            #expect(try await fixture.get(token)?.data == nil)
        }
    }

    @Test func getCountsReadsAndReportsTheSession() async throws {
        let fixture = try await StoreFixture()
        let token = try await fixture.create(id: "user1", ip: "10.0.0.7", data: #"{"cart":3}"#)
        let la = try #require(try await fixture.hash(token)["la"].flatMap { Int($0) })
        let (read, clock) = try await fixture.during { try await fixture.get(token) }
        var first = try #require(read)
        #expect(clock.since(la).contains(first.idle))
        first.idle = 0
        #expect(first == Session(id: "user1", reads: 1, writes: 1, ttl: 7200, idle: 0, ip: "10.0.0.7", noResave: false, data: #"{"cart":3}"#))
        #expect(try await fixture.get(token)?.reads == 2)
        #expect(try await fixture.hash(token)["r"] == "3")
    }

    /// Counts are written as their digits however large, as HINCRBY wrote them (redis.call turns a
    /// Lua number into text with %.17g; Lua's own tostring would write 1e+14, which Node's HINCRBY
    /// could not read).
    @Test func largeCountsStayDigits() async throws {
        let fixture = try await StoreFixture()
        let token = try await fixture.create()
        try await fixture.command("HSET", "\(fixture.namespace):\(StoreFixture.app):\(token)", "r", "99999999999999", "w", "99999999999999")
        #expect(try await fixture.get(token)?.reads == 99_999_999_999_999)
        #expect(try await fixture.set(token, #"{"a":1}"#)?.writes == 100_000_000_000_000)
        let hash = try await fixture.hash(token)
        #expect(hash["r"] == "100000000000000" && hash["w"] == "100000000000000")
    }

    @Test func idleAndLastActivity() async throws {
        let fixture = try await StoreFixture()
        let token = try await fixture.create(ttl: "100")
        let agedLa = try await fixture.age(token, by: 40)
        let (read, clock) = try await fixture.during { try await fixture.get(token) }
        let aged = try #require(read)
        #expect(clock.since(agedLa).contains(aged.idle))
        #expect(aged.idle >= 40)
        #expect(aged.ttl == 100)
        // la moved to the read's now (idle > 1), which the reported idle tells exactly, and the deadline with it.
        let la = try #require(try await fixture.hash(token)["la"].flatMap { Int($0) })
        #expect(la == agedLa + aged.idle)
        #expect(try await fixture.score("SESSIONS", "\(StoreFixture.app):\(token):user1") == la + 100)
        let (again, nextClock) = try await fixture.during { try await fixture.get(token) }
        #expect(nextClock.since(la).contains(again?.idle ?? -1))
        // At idle 1, la stays where it is; beyond, it moves to now. A loaded machine may make the
        // read later than idle 1: the reported idle says which rule applied.
        let laBefore = try await fixture.age(token, by: 1)
        let reread = try #require(try await fixture.get(token))
        let laAfter = try #require(try await fixture.hash(token)["la"].flatMap { Int($0) })
        #expect(reread.idle >= 1)
        #expect(laAfter == (reread.idle <= 1 ? laBefore : laBefore + reread.idle))
    }

    /// At idle 1 la stays, and only the second's first touch writes the three index scores: the
    /// reads (and sets) after it find _sessions at now and leave all three alone (marks put in
    /// _users and SESSIONS stay), while a read that finds _sessions not at now writes them again.
    @Test func touchesAtIdleOneWriteTheIndexesOncePerSecond() async throws {
        let fixture = try await StoreFixture()
        let ns = fixture.namespace, app = StoreFixture.app
        let token = try await fixture.create(id: "u1", ttl: "100")
        func mark() async throws {
            try await fixture.command("ZADD", "\(ns):\(app):_users", "5", "u1")
            try await fixture.command("ZADD", "\(ns):SESSIONS", "6", "\(app):\(token):u1")
        }
        func marks() async throws -> [Int?] {
            [try await fixture.score("\(app):_users", "u1"), try await fixture.score("SESSIONS", "\(app):\(token):u1")]
        }
        // Five tries at least, then more until 30 s have passed: a stall or a busy spell of the
        // machine spoils the tries it overlaps, not the ones after it.
        let giveUp = ContinuousClock.now + .seconds(30)
        var tries = 0
        while tries < 5 || ContinuousClock.now < giveUp {
            tries += 1
            // Begin at the start of one of Redis's seconds, so all that follows fits in it.
            let current = try await fixture.now()
            var now = current
            while now == current {
                try await Task.sleep(for: .milliseconds(5))
                now = try await fixture.now()
            }
            let la = now - 1
            try await fixture.age(token, to: la)
            let first = try #require(try await fixture.get(token))
            try await mark()
            let second = try #require(try await fixture.get(token))
            let afterGet = try await marks()
            let set = try #require(try await fixture.set(token, #"{"a":1}"#))
            let afterSet = try await marks()
            try await fixture.command("ZADD", "\(ns):\(app):_sessions", String(la), "\(token):u1")
            let third = try #require(try await fixture.get(token))
            // Idle 1 every time means one second (la did not move): otherwise try again.
            guard [first.idle, second.idle, set.idle, third.idle] == [1, 1, 1, 1] else { continue }
            #expect(afterGet == [5, 6])
            #expect(afterSet == [5, 6])
            #expect(try await fixture.score("\(app):_sessions", "\(token):u1") == la + 1)
            #expect(try await marks() == [la + 1, la + 100])
            #expect(try await fixture.hash(token)["la"] == String(la))
            return
        }
        Issue.record("no four touches within one second in \(tries) tries")
    }

    @Test func validWhileIdleIsAtMostTTL() async throws {
        let fixture = try await StoreFixture()
        let token = try await fixture.create(ttl: "10")
        try await fixture.age(token, by: 9)
        let la = try #require(try await fixture.hash(token)["la"].flatMap { Int($0) })
        let (read, clock) = try await fixture.during { try await fixture.get(token) }
        // Valid up to idle 10 and not beyond; a read made later (a loaded machine) finds it expired.
        if let read {
            #expect(read.idle <= 10 && clock.since(la).contains(read.idle))
        } else {
            #expect(clock.upperBound - la > 10)
        }
        let expired = try await fixture.create(ttl: "10")
        try await fixture.age(expired, by: 11)
        #expect(try await fixture.get(expired) == nil)
    }

    @Test func everyOperationIgnoresAnExpiredSession() async throws {
        let fixture = try await StoreFixture()
        let app = StoreFixture.app
        let token = try await fixture.create(id: "gone", ttl: "10", data: #"{"a":1}"#)
        try await fixture.age(token, by: 11)
        #expect(try await fixture.get(token) == nil)
        #expect(try await fixture.set(token, #"{"b":2}"#) == nil)
        #expect(try await fixture.hash(token)["d"] == #"{"a":1}"#)
        #expect(try await fixture.result { fixture.store.sessionsOfId(app: app, id: "gone", completion: $0) }.get() == [])
        #expect(try await fixture.result { fixture.store.sessionsOfApp(app: app, dt: "100000", completion: $0) }.get() == [])
        #expect(try await fixture.result { fixture.store.killSessionsOfId(app: app, id: "gone", completion: $0) }.get() == 0)
        #expect(try await fixture.keys() == [])
        let other = try await fixture.create(id: "gone2", ttl: "10")
        try await fixture.age(other, by: 11)
        // Ours: kill of an expired session answers 0 but removes it at once.
        #expect(try await fixture.kill(other) == 0)
        #expect(try await fixture.keys() == [])
    }

    @Test func missingSessions() async throws {
        let fixture = try await StoreFixture()
        let token = StoreFixture.token("Q")
        #expect(try await fixture.get(token) == nil)
        #expect(try await fixture.set(token, #"{"a":1}"#) == nil)
        #expect(try await fixture.kill(token) == 0)
        #expect(try await fixture.keys() == [])
    }

    @Test func killRemovesEveryEntry() async throws {
        let fixture = try await StoreFixture()
        let first = try await fixture.create(id: "a:b")
        let second = try await fixture.create(id: "a:b")
        #expect(try await fixture.kill(first) == 1)
        #expect(try await fixture.kill(first) == 0)
        // The id still has a session, so it stays in _users.
        #expect(try await fixture.score("\(StoreFixture.app):_users", "a:b") != nil)
        #expect(try await fixture.kill(second) == 1)
        #expect(try await fixture.keys() == [])
    }

    @Test func noResaveSessionWrittenByNode() async throws {
        let fixture = try await StoreFixture()
        let token = StoreFixture.token("N")
        try await fixture.nodeCreate(token: token, id: "node:user", ttl: 100, noResave: true, data: #"{"from":"node"}"#)
        let createdLa = try #require(Int(try await fixture.hash(token)["la"] ?? ""))
        let fresh = try #require(try await fixture.get(token))
        #expect(fresh.noResave)
        #expect(fresh.ttl == 100 - fresh.idle)
        #expect(fresh.data == #"{"from":"node"}"#)
        try await fixture.age(token, by: 30)
        // Where Node put the deadline, less the aging. A first read later than idle 1 (a loaded
        // machine) moved la and shortened ttl alike, so ttl is read back rather than assumed 100.
        let deadline = createdLa + 100 - 30
        let hashBefore = try await fixture.hash(token)
        let storedTTL = try #require(Int(hashBefore["ttl"] ?? ""))
        #expect(try #require(Int(hashBefore["la"] ?? "")) + storedTTL == deadline)
        let aged = try #require(try await fixture.get(token))
        #expect(aged.idle >= 30)
        #expect(aged.ttl == storedTTL - aged.idle)
        // The deadline never moves: ttl becomes what remains exactly when la moves to now.
        let hashAfter = try await fixture.hash(token)
        #expect(Int(hashAfter["la"] ?? "") .flatMap { la in Int(hashAfter["ttl"] ?? "").map { la + $0 } } == deadline)
        #expect(try await fixture.score("SESSIONS", "\(StoreFixture.app):\(token):node:user") == deadline)
        // Ours: set reports the real w of a no_resave session (the reference says 0).
        let written = try #require(try await fixture.set(token, #"{"x":1}"#))
        #expect(written.writes == 2)
        #expect(written.noResave)
        #expect(written.data == #"{"from":"node","x":1}"#)
        #expect(try await fixture.score("SESSIONS", "\(StoreFixture.app):\(token):node:user") == deadline)
        // Past the deadline it is gone.
        try await fixture.age(token, by: 101)
        #expect(try await fixture.get(token) == nil)
    }

    @Test func noResaveGetAtIdleOneKeepsTheDeadline() async throws {
        let fixture = try await StoreFixture()
        let token = StoreFixture.token("M")
        try await fixture.nodeCreate(token: token, id: "u", ttl: 50, noResave: true)
        let laBefore = try await fixture.age(token, by: 1)
        let session = try #require(try await fixture.get(token))
        let after = try await fixture.hash(token)
        #expect(Int(after["la"] ?? "").flatMap { la in Int(after["ttl"] ?? "").map { la + $0 } } == laBefore + 50)
        // At idle 1 nothing moves; a read made later (a loaded machine) moves la and shortens ttl alike.
        #expect(session.idle >= 1)
        #expect(after["la"] == String(session.idle <= 1 ? laBefore : laBefore + session.idle))
        #expect(after["ttl"] == String(session.idle <= 1 ? 50 : 50 - session.idle))
    }

    @Test func nodeSessionWithoutNoResaveSlides() async throws {
        let fixture = try await StoreFixture()
        let token = StoreFixture.token("S")
        try await fixture.nodeCreate(token: token, id: "u", ttl: 60, noResave: false, data: #"{"a":"b"}"#)
        try await fixture.age(token, by: 20)
        let session = try #require(try await fixture.get(token))
        #expect(!session.noResave)
        #expect(session.ttl == 60)
        #expect(try await fixture.hash(token)["ttl"] == "60")
    }

    @Test func validationRunsInTheContractOrder() async throws {
        let fixture = try await StoreFixture()
        let store = fixture.store
        let token = StoreFixture.token("T")
        let cases: [(Result<Void, SessionStoreError>, SessionStoreError)] = [
            (await fixture.result { store.create(app: "x", id: "", ip: nil, ttl: "1", data: .string("s"), completion: $0) }.map { _ in }, .invalidApp),
            (await fixture.result { store.create(app: "abc", id: "", ip: nil, ttl: "1", data: nil, completion: $0) }.map { _ in }, .missingId),
            (await fixture.result { store.create(app: "abc", id: "a\nb", ip: nil, ttl: "1", data: nil, completion: $0) }.map { _ in }, .invalidId),
            (await fixture.result { store.create(app: "abc", id: "a", ip: nil, ttl: "1", data: nil, completion: $0) }.map { _ in }, .missingIp),
            (await fixture.result { store.create(app: "abc", id: "a", ip: String(repeating: "1", count: 40), ttl: "1", data: nil, completion: $0) }.map { _ in }, .invalidIp),
            (await fixture.result { store.create(app: "abc", id: "a", ip: "1", ttl: "1", data: .array([.null]), completion: $0) }.map { _ in }, .invalidTTL),
            (await fixture.result { store.create(app: "abc", id: "a", ip: "1", ttl: nil, data: .array([.null]), completion: $0) }.map { _ in }, .dataNotObject),
            (await fixture.result { store.get(app: "a", token: "short", completion: $0) }.map { _ in }, .invalidApp),
            (await fixture.result { store.get(app: "abc", token: "short", completion: $0) }.map { _ in }, .invalidToken),
            (await fixture.result { store.kill(app: "abc", token: token + "x", completion: $0) }.map { _ in }, .invalidToken),
            (await fixture.result { store.set(app: "abc", token: "short", data: nil, completion: $0) }.map { _ in }, .invalidToken),
            (await fixture.result { store.set(app: "abc", token: token, data: nil, completion: $0) }.map { _ in }, .dataWithoutKeys),
            (await fixture.result { store.activity(app: "abc", dt: nil, completion: $0) }.map { _ in }, .invalidDT),
            (await fixture.result { store.sessionsOfApp(app: "ab", dt: nil, completion: $0) }.map { _ in }, .invalidApp),
            (await fixture.result { store.sessionsOfApp(app: "abc", dt: "9", completion: $0) }.map { _ in }, .invalidDT),
            (await fixture.result { store.sessionsOfId(app: "abc", id: "", completion: $0) }.map { _ in }, .missingId),
            (await fixture.result { store.killSessionsOfId(app: "abc", id: "\u{2028}", completion: $0) }.map { _ in }, .invalidId),
            (await fixture.result { store.killAll(app: "a b c", completion: $0) }.map { _ in }, .invalidApp),
        ]
        for (index, (result, expected)) in cases.enumerated() {
            #expect(result.failure == expected, "case \(index)")
        }
        #expect(try await fixture.keys() == [])
    }

    @Test func pingAnswersPong() async throws {
        let fixture = try await StoreFixture()
        #expect(try await fixture.result { fixture.store.ping(completion: $0) }.get() == "PONG")
    }

    @Test func aStorePreloadsEveryScript() async throws {
        // A server of its own, which nothing else gives the scripts; the fixture only makes the store.
        let server = try PrivateRedisServer()
        defer { withExtendedLifetime(server) {} }
        let fixture = try await StoreFixture(url: server.url)
        let exists = RedisCommand(["SCRIPT", "EXISTS"] + SessionScripts.all.map(\.script.sha1))
        #expect(await eventually {
            (try? await fixture.redis.send(exists)) == .array(SessionScripts.all.map { _ in .integer(1) })
        })
    }

    @Test func scriptsAreReloadedAfterAFlush() async throws {
        // A server of its own: SCRIPT FLUSH acts on the whole server.
        let server = try PrivateRedisServer()
        defer { withExtendedLifetime(server) {} }
        let fixture = try await StoreFixture(url: server.url)
        let token = try await fixture.create()
        try await fixture.command("SCRIPT", "FLUSH")
        #expect(try await fixture.get(token)?.reads == 1)
    }

    @Test func corruptStoredDataIsAnInternalErrorAndChangesNothing() async throws {
        let fixture = try await StoreFixture()
        let token = try await fixture.create()
        try await fixture.command("HSET", "\(fixture.namespace):\(StoreFixture.app):\(token)", "d", "not json")
        let result = await fixture.result { fixture.store.set(app: StoreFixture.app, token: token, data: .object(JSONObject([(key: "a", value: .number("1"))])), completion: $0) }
        #expect(result.failure?.name == "internalError")
        #expect(try await fixture.hash(token)["w"] == "1")
    }

    /// What another client may have stored as d: empty is none (as Node's redis-sessions reads it),
    /// white space is compacted, anything that is not a JSON object fails the read, never a 200 whose
    /// body would not be JSON.
    @Test func storedDataIsAnsweredAsCompactJSONOrFailsTheRead() async throws {
        let fixture = try await StoreFixture()
        let key = { (token: String) in "\(fixture.namespace):\(StoreFixture.app):\(token)" }
        let token = try await fixture.create()
        try await fixture.command("HSET", key(token), "d", "")
        #expect(try await fixture.get(token).map { $0.data == nil } == true)
        #expect(try await fixture.set(token, #"{"a":1}"#)?.data == #"{"a":1}"#, "set merges into none")
        try await fixture.command("HSET", key(token), "d", #" { "a" : 1 , "b" : [ 1, "x y" ] } "#)
        #expect(try await fixture.get(token)?.data == #"{"a":1,"b":[1,"x y"]}"#)
        for stored in ["not json", #"{"a":1}x"#, "[1]", "1", "null", #"{"a":}"#] {
            try await fixture.command("HSET", key(token), "d", stored)
            let read = await fixture.result { fixture.store.get(app: StoreFixture.app, token: token, completion: $0) }
            #expect(read.failure == .internalError("stored d is not a JSON object"), "\(stored)")
        }
    }

    @Test func unreachableRedisIsRedisUnavailable() async throws {
        var configuration = RedisConfiguration()
        // The discard port: nothing listens there on a test machine, so connecting is refused.
        configuration.endpoint = .tcp(host: "127.0.0.1", port: 9)
        let redis = RedisClient(configuration: configuration, logger: Logger(label: "SessionCacheTests"))
        redis.connect()
        defer { redis.close() }
        let store = SessionStore(redis: redis, configuration: SessionStoreConfiguration(), logger: Logger(label: "SessionCacheTests"))
        let result = await withCheckedContinuation { continuation in
            store.get(app: "abc", token: StoreFixture.token("A")) { continuation.resume(returning: $0) }
        }
        #expect(result.failure == .redisUnavailable)
        #expect(result.failure?.isRedisUnavailable == true)
    }
}

extension Result {
    var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
