import RedisClient
import TestSupport
import Testing
@testable import SessionStore

/// The unpaged soapp and soid read in batches: a batch size of a few entries makes a few hundred
/// sessions take dozens of script calls, with equal scores spanning many batch boundaries.
@Suite struct SessionBatchedListingTests {
    private let app = StoreFixture.app

    /// Writes `count` sessions in one script, session i with id `id<i>`, last activity
    /// `base - ages(i)`, a token whose first letter varies in case (Redis orders equal scores by
    /// bytes, which a collation locale would not), and: every 10th idle-expired, every 15th without
    /// its hash (a leftover index entry), every 21st past its absolute end; the rest live. Answers
    /// the base second.
    @discardableResult
    private func populate(_ fixture: StoreFixture, count: Int, ages: String, id: String = "'id' .. i") async throws -> Int {
        let script = """
            local ns, app, count = ARGV[1], ARGV[2], tonumber(ARGV[3])
            local now = tonumber(redis.call('TIME')[1])
            local letters = 'AaBbZz09'
            local function age(i) return \(ages) end
            for i = 1, count do
              local letter = (i % #letters) + 1
              local token = string.sub(letters, letter, letter) .. string.format('%063d', i)
              local id, la, ttl = \(id), now - age(i), 100000
              if i % 10 == 0 then ttl = age(i) - 1 end
              local key = ns .. ':' .. app .. ':' .. token
              redis.call('ZADD', ns .. ':' .. app .. ':_sessions', la, token .. ':' .. id)
              redis.call('ZADD', ns .. ':' .. app .. ':_users', la, id)
              redis.call('ZADD', ns .. ':SESSIONS', la + ttl, app .. ':' .. token .. ':' .. id)
              redis.call('SADD', ns .. ':' .. app .. ':us:' .. id, token)
              if i % 15 ~= 0 then
                redis.call('HSET', key, 'id', id, 'r', 1, 'w', 1, 'ip', tostring(i), 'la', la, 'ttl', ttl)
                if i % 21 == 0 then redis.call('HSET', key, 'xa', now - 1) end
              end
            end
            return now
            """
        let base = try await fixture.command("EVAL", script, "0", fixture.namespace, app, String(count)).integer
        return Int(try #require(base))
    }

    private static func isLive(_ i: Int) -> Bool {
        i % 10 != 0 && i % 15 != 0 && i % 21 != 0
    }

    /// What the reference's one ZREVRANGEBYSCORE gives for the window, the ended sessions left out:
    /// the order the batches must reproduce.
    private func expectedIds(_ fixture: StoreFixture, since: Int) async throws -> [String] {
        let members = try await fixture.command("ZREVRANGEBYSCORE", "\(fixture.namespace):\(app):_sessions", "+inf", String(since))
        return (members.array ?? []).compactMap(\.string).compactMap { member in
            let id = String(member.split(separator: ":", maxSplits: 1)[1])
            return Int(id.dropFirst(2)).map(Self.isLive) == true ? id : nil
        }
    }

    private func soapp(_ fixture: StoreFixture, dt: String) async throws -> [String] {
        try await fixture.result { fixture.store.sessionsOfApp(app: app, dt: dt, completion: $0) }.get().map(\.id)
    }

    @Test func soappInBatchesKeepsTheOrderOfOneCall() async throws {
        let fixture = try await StoreFixture(listingBatchSize: 7)
        // 600 sessions in groups of 40 per second: every batch boundary but a few falls inside a
        // group of equal scores; the oldest groups are outside a 10-second window.
        let base = try await populate(fixture, count: 600, ages: "math.floor(i / 40)")
        let whole = try await soapp(fixture, dt: "100000")
        let expected = try await expectedIds(fixture, since: base - 100000)
        #expect(expected.count == (1...600).filter(Self.isLive).count)
        // Compared whole but reported short: a failure should not print hundreds of ids.
        let sameOrder = whole == expected
        #expect(sameOrder, "\(whole.count) listed of \(expected.count), \(Set(whole).count) distinct")
        // The window ends at the first batch's clock, which may have ticked past base.
        let (recent, clock) = try await fixture.during { try await soapp(fixture, dt: "10") }
        var windows: [[String]] = []
        for now in clock { windows.append(try await expectedIds(fixture, since: now - 10)) }
        #expect(windows.contains(recent), "\(recent.count) listed in the last 10 s")
        #expect(!recent.isEmpty && recent.count < whole.count)
    }

    @Test func equalScoresSpanningManyBatchesNeitherRepeatNorSkip() async throws {
        // Every session at the same second: all of the walk is inside one group of equal scores.
        for batchSize in [1, 16, 299, 300, 301] {
            let fixture = try await StoreFixture(listingBatchSize: batchSize)
            let base = try await populate(fixture, count: 300, ages: "5")
            let whole = try await soapp(fixture, dt: "100")
            let expected = try await expectedIds(fixture, since: base - 100)
            let sameOrder = whole == expected
            #expect(sameOrder, "batch \(batchSize): \(whole.count) listed of \(expected.count), \(Set(whole).count) distinct")
        }
    }

    /// The cursor names the last entry read; the next batch resumes right after where that entry
    /// was, even when it and the one before have since gone and the one after has moved to the top.
    @Test func aBatchResumesAfterTheCursorWhateverHappenedToIt() async throws {
        let fixture = try await StoreFixture()
        let base = try await populate(fixture, count: 60, ages: "5")
        let sessionsKey = "\(fixture.namespace):\(app):_sessions"
        let entries = try await fixture.command("ZREVRANGE", sessionsKey, "0", "-1").array?.compactMap(\.string) ?? []
        #expect(entries.count == 60)
        func liveIds(_ members: ArraySlice<String>) -> [String] {
            members.map { String($0.split(separator: ":", maxSplits: 1)[1]) }.filter { Int($0.dropFirst(2)).map(Self.isLive) == true }
        }
        func batch(_ cursor: [String]) async throws -> SessionListingBatch {
            let arguments = [fixture.namespace + ":", app, "100", "10"] + cursor
            let reply = try await fixture.redis.evaluate(SessionScripts.sessionsOfAppBatch, keys: [], arguments: arguments)
            return try SessionReplyDecoder.listingBatch(reply)
        }
        let (first, clock) = try await fixture.during { try await batch([]) }
        #expect(first.sessions.map(\.id) == liveIds(entries[0..<10]))
        let cursor = try #require(first.cursor)
        // The window's start, from the first batch's clock (a loaded machine may take seconds past base).
        #expect(cursor.count == 3 && clock.since(100).contains(Int(cursor[0]) ?? 0))
        #expect(cursor.dropFirst() == [String(base - 5), entries[9]])
        try await fixture.command("ZREM", sessionsKey, entries[9], entries[8])
        try await fixture.command("ZADD", sessionsKey, String(base), entries[10])
        _ = try await fixture.create(id: "new")
        let second = try await batch(cursor)
        #expect(second.sessions.map(\.id) == liveIds(entries[11..<21]))
        #expect(second.cursor == [cursor[0], String(base - 5), entries[20]])
        // A cursor whose entry is still in place resumes right after it.
        let fromPlace = try await batch([cursor[0], String(base - 5), entries[11]])
        #expect(fromPlace.sessions.map(\.id) == liveIds(entries[12..<22]))
        // The last batch reads fewer entries than it may and ends the walk.
        let last = try await batch([cursor[0], String(base - 5), entries[52]])
        #expect(last.cursor == nil && last.sessions.map(\.id) == liveIds(entries[53...]))
    }

    @Test func soidInBatchesListsEverySessionOnce() async throws {
        let fixture = try await StoreFixture(listingBatchSize: 16)
        // 400 sessions of one id: more than a listpack holds, so SSCAN walks a hash table.
        try await populate(fixture, count: 400, ages: "i % 50", id: "'many'")
        let whole = try await fixture.result { fixture.store.sessionsOfId(app: app, id: "many", completion: $0) }.get()
        let ips = whole.map(\.ip)
        #expect(ips.count == Set(ips).count)
        #expect(Set(ips) == Set((1...400).filter(Self.isLive).map(String.init)))
        #expect(try await fixture.result { fixture.store.sessionsOfId(app: app, id: "none", completion: $0) }.get() == [])
    }
}
