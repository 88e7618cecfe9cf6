import JSONText
import RedisClient
import TestSupport
import Testing
@testable import SessionStore

/// Rotation, absolute lifetime (max_age), the per-user limit (max_sessions) and read-only reads.
@Suite struct SessionLifetimeTests {
    private let app = StoreFixture.app

    // MARK: rotate

    @Test func rotateMovesTheWholeSessionToANewToken() async throws {
        let fixture = try await StoreFixture()
        let old = try await fixture.createSession(id: "rot:user", ttl: "100", maxAge: "1000").token
        _ = try await fixture.set(old, #"{"cart":3}"#)
        _ = try await fixture.get(old)
        try await fixture.age(old, by: 30)
        let hashBefore = try await fixture.hash(old)
        let activity = try await fixture.score("\(app):_sessions", "\(old):rot:user")
        let userActivity = try await fixture.score("\(app):_users", "rot:user")
        let deadline = try await fixture.score("SESSIONS", "\(app):\(old):rot:user")

        let new = try #require(try await fixture.rotate(old))
        #expect(new != old && new.utf8.count == 64)
        // The same hash under the new key; every index entry moved with its score.
        #expect(try await fixture.hash(new) == hashBefore)
        #expect(try await fixture.hash(old) == [:])
        #expect(try await fixture.score("\(app):_sessions", "\(new):rot:user") == activity)
        #expect(try await fixture.score("\(app):_sessions", "\(old):rot:user") == nil)
        #expect(try await fixture.score("SESSIONS", "\(app):\(new):rot:user") == deadline)
        #expect(try await fixture.score("SESSIONS", "\(app):\(old):rot:user") == nil)
        #expect(try await fixture.score("\(app):_users", "rot:user") == userActivity)
        #expect(try await fixture.command("SMEMBERS", "\(fixture.namespace):\(app):us:rot:user") == .array([.bulkString(Array(new.utf8))]))
        let ns = fixture.namespace
        #expect(try await fixture.keys() == ["\(ns):SESSIONS", "\(ns):\(app):\(new)", "\(ns):\(app):_sessions", "\(ns):\(app):_users", "\(ns):\(app):us:rot:user"].sorted())

        // The old token is dead for every route; the new one carries counters, data and deadlines.
        #expect(try await fixture.get(old) == nil)
        #expect(try await fixture.set(old, #"{"x":1}"#) == nil)
        #expect(try await fixture.rotate(old) == nil)
        #expect(try await fixture.kill(old) == 0)
        let (read, clock) = try await fixture.during { try await fixture.get(new, touch: "false") }
        let session = try #require(read)
        #expect(session.reads == 2 && session.writes == 2 && session.ttl == 100 && session.data == #"{"cart":3}"#)
        let la = try #require(hashBefore["la"].flatMap { Int($0) })
        let xa = try #require(hashBefore["xa"].flatMap { Int($0) })
        #expect(clock.since(la).contains(session.idle))
        #expect(clock.until(xa).contains(session.expiresIn ?? -1))
    }

    @Test func rotateOfAMissingOrExpiredSessionAnswersNil() async throws {
        let fixture = try await StoreFixture()
        #expect(try await fixture.rotate(StoreFixture.token("R")) == nil)
        let idleExpired = try await fixture.create(ttl: "10")
        try await fixture.age(idleExpired, by: 11)
        let absoluteExpired = try await fixture.createSession(maxAge: "100").token
        try await fixture.setAbsoluteEnd(absoluteExpired, inSeconds: -1)
        let keys = try await fixture.keys()
        #expect(try await fixture.rotate(idleExpired) == nil)
        #expect(try await fixture.rotate(absoluteExpired) == nil)
        #expect(try await fixture.keys() == keys)
        let invalid = await fixture.result { fixture.store.rotate(app: app, token: "short", completion: $0) }
        #expect(invalid.failure == .invalidToken)
    }

    @Test func ofConcurrentRotationsOfOneTokenExactlyOneSucceeds() async throws {
        let fixture = try await StoreFixture()
        for _ in 0..<5 {
            let token = try await fixture.create(id: "race", data: #"{"a":1}"#)
            let store = fixture.store
            let winners = await withTaskGroup(of: String?.self) { group in
                for _ in 0..<20 {
                    group.addTask {
                        try? await fixture.result { store.rotate(app: StoreFixture.app, token: token, completion: $0) }.get()?.token
                    }
                }
                var winners: [String] = []
                for await winner in group {
                    if let winner { winners.append(winner) }
                }
                return winners
            }
            try #require(winners.count == 1)
            #expect(try await fixture.get(winners[0])?.data == #"{"a":1}"#)
            #expect(try await fixture.command("SMEMBERS", "\(fixture.namespace):\(app):us:race") == .array([.bulkString(Array(winners[0].utf8))]))
            #expect(try await fixture.kill(winners[0]) == 1)
            #expect(try await fixture.keys() == [])
        }
    }

    @Test func rotationInvalidatesCachedCopiesOfTheOldToken() async throws {
        let first = try await StoreFixture(cacheTime: 60)
        let second = try await StoreFixture(namespace: first.namespace, cacheTime: 60)
        second.store.start()
        defer { second.store.stop() }
        #expect(try await eventually { try await first.command("PUBSUB", "NUMSUB", first.namespace + ":cache").array?.last?.integer == 1 })
        let token = try await first.create()
        #expect(try await second.get(token) != nil)
        // Served from the second instance's memory until the first one's rotation reaches it.
        #expect(try await first.rotate(token) != nil)
        #expect(try await eventually { try await second.get(token) == nil })
    }

    // MARK: max_age

    @Test func maxAgeSetsTheAbsoluteEndAndCapsTheDeadline() async throws {
        let fixture = try await StoreFixture()
        let short = try await fixture.createSession(ttl: "100", maxAge: "50").token
        let hash = try await fixture.hash(short)
        let la = try #require(hash["la"].flatMap { Int($0) })
        #expect(hash["xa"] == String(la + 50))
        #expect(try await fixture.score("SESSIONS", "\(app):\(short):user1") == la + 50)
        let (read, clock) = try await fixture.during { try await fixture.get(short) }
        #expect(expiresIn(during: clock, end: la + 50).contains(read.map { $0.expiresIn ?? -1 }))
        #expect(read == nil || read?.ttl == 100)

        // Sliding never moves the deadline past the absolute end.
        let long = try await fixture.createSession(ttl: "100", maxAge: "120").token
        try await fixture.age(long, by: 30)
        _ = try await fixture.get(long)
        let xa = try #require(try await fixture.hash(long)["xa"].flatMap { Int($0) })
        #expect(try await fixture.score("SESSIONS", "\(app):\(long):user1") == xa)
        _ = try await fixture.set(long, #"{"a":1}"#)
        #expect(try await fixture.score("SESSIONS", "\(app):\(long):user1") == xa)
        // While the idle end comes first, it is the deadline.
        let roomy = try await fixture.createSession(ttl: "100", maxAge: "100000").token
        try await fixture.age(roomy, by: 30)
        _ = try await fixture.get(roomy)
        let laNow = try #require(try await fixture.hash(roomy)["la"].flatMap { Int($0) })
        #expect(try await fixture.score("SESSIONS", "\(app):\(roomy):user1") == laNow + 100)

        // Without max_age there is no xa and no expires_in.
        let plain = try await fixture.create()
        #expect(try await fixture.hash(plain)["xa"] == nil)
        #expect(try await fixture.get(plain)?.expiresIn == nil)
    }

    /// What a read during `clock` answers of a session ending at `end`: expires_in, end - now, while
    /// now <= end (down to 0 in its last second), and no session after it. A read made later than
    /// the test meant (a loaded machine) finds it gone.
    private func expiresIn(during clock: ClosedRange<Int>, end: Int) -> Set<Int?> {
        clock.answers { now in now <= end ? end - now : nil }
    }

    @Test func expiresInCountsDownToTheAbsoluteEnd() async throws {
        let fixture = try await StoreFixture()
        let token = try await fixture.createSession(maxAge: "3600").token
        let end = try await fixture.setAbsoluteEnd(token, inSeconds: 7)
        let (session, clock) = try await fixture.during { try await fixture.get(token) }
        #expect(expiresIn(during: clock, end: end).contains(session.map { $0.expiresIn ?? -1 }))
        let last = try await fixture.setAbsoluteEnd(token, inSeconds: 0)
        let (atTheEnd, endClock) = try await fixture.during { try await fixture.get(token) }
        #expect(expiresIn(during: endClock, end: last).contains(atTheEnd.map { $0.expiresIn ?? -1 }))
        // A no_resave session written by Node keeps both rules if it has an absolute end.
        let node = StoreFixture.token("X")
        try await fixture.nodeCreate(token: node, id: "n", ttl: 100, noResave: true)
        let nodeEnd = try await fixture.setAbsoluteEnd(node, inSeconds: 40)
        let (nodeRead, nodeClock) = try await fixture.during { try await fixture.get(node) }
        #expect(nodeRead?.noResave != false)
        #expect(expiresIn(during: nodeClock, end: nodeEnd).contains(nodeRead.map { $0.expiresIn ?? -1 }))
    }

    @Test func pastTheAbsoluteEndTheSessionIsGoneEverywhere() async throws {
        let fixture = try await StoreFixture()
        let store = fixture.store
        let token = try await fixture.createSession(id: "ended", ttl: "1000", maxAge: "100").token
        _ = try await fixture.set(token, #"{"a":1}"#)
        try await fixture.age(token, by: 101)
        // Idle 101 of 1000 would be fine; the absolute end has passed.
        #expect(try await fixture.get(token) == nil)
        #expect(try await fixture.get(token, touch: "false") == nil)
        #expect(try await fixture.set(token, #"{"b":2}"#) == nil)
        #expect(try await fixture.rotate(token) == nil)
        #expect(try await fixture.result { store.sessionsOfId(app: app, id: "ended", completion: $0) }.get() == [])
        #expect(try await fixture.result { store.sessionsOfId(app: app, id: "ended", limit: "10", completion: $0) }.get() == [])
        #expect(try await fixture.result { store.sessionsOfApp(app: app, dt: "1000", completion: $0) }.get() == [])
        #expect(try await fixture.result { store.sessionsOfApp(app: app, dt: "1000", limit: "10", completion: $0) }.get() == [])
        #expect(try await fixture.result { store.count(app: app, dt: "1000", completion: $0) }.get() == 0)
        // The wipe removes it (its deadline in SESSIONS is the absolute end).
        let wipeBegan = ContinuousClock.now
        #expect(try await fixture.result { store.wipe(completion: $0) }.get() == 1)
        #expect(try await fixture.keysAfterWipe(begun: wipeBegan) == [])
    }

    @Test func killOfAnAbsoluteExpiredSessionAnswers0AndRemovesIt() async throws {
        let fixture = try await StoreFixture()
        let token = try await fixture.createSession(maxAge: "10").token
        try await fixture.setAbsoluteEnd(token, inSeconds: -5)
        #expect(try await fixture.kill(token) == 0)
        #expect(try await fixture.keys() == [])
    }

    // MARK: max_sessions

    @Test func maxSessionsEvictsTheLeastRecentlyActive() async throws {
        let fixture = try await StoreFixture()
        var tokens: [String: String] = [:]
        for (name, age) in [("a", 40), ("b", 10), ("c", 30), ("d", 20)] {
            let token = try await fixture.create(id: "limited")
            try await fixture.age(token, by: age)
            tokens[name] = token
        }
        let dead = try await fixture.create(id: "limited", ttl: "10")
        try await fixture.age(dead, by: 11)
        let other = try await fixture.create(id: "someone else")
        // a (idle 40 s) and c (30 s) are the least recently active.
        let created = try await fixture.createSession(id: "limited", maxSessions: "3")
        #expect(created.evicted == 2)
        for name in ["a", "c"] {
            #expect(try await fixture.hash(tokens[name]!) == [:], "\(name)")
        }
        // The dead session went too, uncounted; the other id is untouched.
        #expect(try await fixture.hash(dead) == [:])
        #expect(try await fixture.get(other) != nil)
        let members = try await fixture.command("SMEMBERS", "\(fixture.namespace):\(app):us:limited").array?.compactMap(\.string) ?? []
        #expect(Set(members) == [tokens["b"]!, tokens["d"]!, created.token])
        // Evicting with room to spare: 0; without max_sessions no count at all.
        #expect(try await fixture.createSession(id: "limited", maxSessions: "4").evicted == 0)
        #expect(try await fixture.createSession(id: "limited").evicted == nil)
        #expect(try await fixture.createSession(id: "limited", maxSessions: "1").evicted == 5)
        #expect(try await fixture.command("SCARD", "\(fixture.namespace):\(app):us:limited") == .integer(1))
    }

    @Test func concurrentCreatesWithMaxSessionsKeepTheLimit() async throws {
        let fixture = try await StoreFixture()
        let store = fixture.store
        let evictions = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<12 {
                group.addTask {
                    let created = try? await fixture.result {
                        store.create(app: StoreFixture.app, id: "crowd", ip: "1.1.1.1", ttl: nil, maxSessions: "2", data: nil, completion: $0)
                    }.get()
                    return created?.evicted ?? -100
                }
            }
            return await group.reduce(0, +)
        }
        #expect(evictions == 10)
        #expect(try await fixture.command("SCARD", "\(fixture.namespace):\(app):us:crowd") == .integer(2))
        #expect(try await fixture.command("ZCARD", "\(fixture.namespace):\(app):_sessions") == .integer(2))
        #expect(try await fixture.command("ZCARD", "\(fixture.namespace):SESSIONS") == .integer(2))
    }

    // MARK: touch=false

    @Test func readOnlyGetNeitherCountsNorSlides() async throws {
        let fixture = try await StoreFixture()
        let token = try await fixture.create(ttl: "100")
        try await fixture.age(token, by: 30)
        let hashBefore = try await fixture.hash(token)
        let scores = [
            try await fixture.score("\(app):_sessions", "\(token):user1"),
            try await fixture.score("\(app):_users", "user1"),
            try await fixture.score("SESSIONS", "\(app):\(token):user1"),
        ]
        let la = try #require(hashBefore["la"].flatMap { Int($0) })
        for _ in 0..<2 {
            let (read, clock) = try await fixture.during { try await fixture.get(token, touch: "false") }
            let session = try #require(read)
            #expect(session.reads == 1 && clock.since(la).contains(session.idle))
        }
        #expect(try await fixture.hash(token) == hashBefore)
        #expect(try await fixture.score("\(app):_sessions", "\(token):user1") == scores[0])
        #expect(try await fixture.score("\(app):_users", "user1") == scores[1])
        #expect(try await fixture.score("SESSIONS", "\(app):\(token):user1") == scores[2])
        // touch=true is the normal read.
        #expect(try await fixture.get(token, touch: "true")?.reads == 1)
        #expect(try await fixture.get(token)?.reads == 2)
        #expect(try await fixture.get(StoreFixture.token("Z"), touch: "false") == nil)
    }

    @Test func readOnlyGetBypassesTheCache() async throws {
        let fixture = try await StoreFixture(cacheTime: 60)
        let token = try await fixture.create()
        #expect(try await fixture.get(token)?.reads == 1)
        #expect(try await fixture.get(token)?.reads == 1)  // cached
        #expect(try await fixture.get(token, touch: "false")?.reads == 2)
    }

    @Test func newParametersAreValidatedInOrder() async throws {
        let fixture = try await StoreFixture()
        let store = fixture.store
        func create(ttl: String? = nil, maxAge: String?, maxSessions: String?, data: Bool = false) async -> SessionStoreError? {
            await fixture.result {
                store.create(app: app, id: "v", ip: "1", ttl: ttl, maxAge: maxAge, maxSessions: maxSessions,
                             data: data ? .array([.null]) : nil, completion: $0)
            }.failure
        }
        #expect(await create(ttl: "9", maxAge: "9", maxSessions: "0") == .invalidTTL)
        #expect(await create(maxAge: "9", maxSessions: "0") == .invalidMaxAge)
        #expect(await create(maxAge: "abc", maxSessions: nil) == .invalidMaxAge)
        #expect(await create(maxAge: "-20", maxSessions: nil) == .invalidMaxAge)
        #expect(await create(maxAge: "1000000000000000", maxSessions: nil) == .invalidMaxAge)
        #expect(await create(maxAge: "10", maxSessions: "0", data: true) == .invalidMaxSessions)
        #expect(await create(maxAge: nil, maxSessions: "1001") == .invalidMaxSessions)
        #expect(await create(maxAge: nil, maxSessions: "x") == .invalidMaxSessions)
        #expect(await create(maxAge: "10", maxSessions: "1000", data: true) == .dataNotObject)
        let touch = await fixture.result { store.get(app: app, token: StoreFixture.token("T"), touch: "no", completion: $0) }
        #expect(touch.failure == .invalidTouch)
        let tokenFirst = await fixture.result { store.get(app: app, token: "short", touch: "no", completion: $0) }
        #expect(tokenFirst.failure == .invalidToken)
        #expect(try await fixture.keys() == [])
        // Read as ttl is: the leading integer; empty means absent.
        let parsed = try await fixture.createSession(maxAge: "15abc", maxSessions: "")
        #expect(parsed.evicted == nil)
        let hash = try await fixture.hash(parsed.token)
        #expect(hash["xa"] == hash["la"].flatMap { Int($0) }.map { String($0 + 15) })
    }
}
