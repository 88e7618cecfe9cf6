import Foundation
import HTTPServer
import RedisClient
import TestSupport
import Testing

@Suite struct RouteTests {
    static let app = APITestContext.app

    @Test func createAnswersA64CharacterToken() async throws {
        try await APITestContext.with { context in
            let response = await context.request(.PUT, "/\(Self.app)/create/user1?ip=1.2.3.4")
            #expect(response.status == 200)
            #expect(response.isJSON)
            #expect(response.text.wholeMatch(of: /\{"token":"[A-Za-z0-9]{64}"\}/) != nil, "\(response.text)")
        }
    }

    @Test func getAnswersTheSessionInContractKeyOrder() async throws {
        try await APITestContext.with { context in
            let token = try await context.create(id: "user1", ip: "10.0.0.7", data: #"{"cart":3,"name":"Ann","vip":true}"#)
            let first = await context.request(.GET, "/\(Self.app)/get/\(token)")
            #expect(first.status == 200)
            #expect(first.isJSON)
            #expect(first.textIgnoringIdle == #"{"id":"user1","r":1,"w":1,"ttl":7200,"idle":0,"ip":"10.0.0.7","d":{"cart":3,"name":"Ann","vip":true}}"#)
            let second = await context.request(.GET, "/\(Self.app)/get/\(token)")
            #expect(second.textIgnoringIdle == #"{"id":"user1","r":2,"w":1,"ttl":7200,"idle":0,"ip":"10.0.0.7","d":{"cart":3,"name":"Ann","vip":true}}"#)
        }
    }

    @Test func aSessionWithoutDataHasNoD() async throws {
        try await APITestContext.with { context in
            for body in [nil, "{}", "[]", #"{"a":null}"#] {
                // ttl read as its leading integer; long enough to outlast a loaded machine's pauses.
                let token = try await context.create(ttl: "1500abc", data: body)
                let response = await context.request(.GET, "/\(Self.app)/get/\(token)")
                #expect(response.textIgnoringIdle == #"{"id":"user1","r":1,"w":1,"ttl":1500,"idle":0,"ip":"1.2.3.4"}"#, "\(body ?? "no body")")
            }
        }
    }

    @Test func numbersAndStringsComeBackExactlyAsSent() async throws {
        try await APITestContext.with { context in
            let data = #"{"price":120.55,"count":123,"exp":1e3,"neg":-0.50,"big":12345678901234567890123,"s":"a\"b\\c\n\u0001é😀"}"#
            let token = try await context.create(data: data)
            let response = await context.request(.GET, "/\(Self.app)/get/\(token)")
            let expectedData = #"{"price":120.55,"count":123,"exp":1e3,"neg":-0.50,"big":12345678901234567890123,"s":"a\"b\\c\n\u0001é😀"}"#
            #expect(response.textIgnoringIdle == #"{"id":"user1","r":1,"w":1,"ttl":7200,"idle":0,"ip":"1.2.3.4","d":\#(expectedData)}"#)
        }
    }

    @Test func idsAndIpsAreEscapedInJSON() async throws {
        try await APITestContext.with { context in
            let token = try await context.create(id: "a%22b%5Cc%09d:%E2%82%AC", ip: "%3A%3A1")
            let response = await context.request(.GET, "/\(Self.app)/get/\(token)")
            #expect(response.textIgnoringIdle == #"{"id":"a\"b\\c\td:€","r":1,"w":1,"ttl":7200,"idle":0,"ip":"::1"}"#)
        }
    }

    @Test func setMergesIntoDAndAnswersTheUpdatedSession() async throws {
        try await APITestContext.with { context in
            let token = try await context.create(data: #"{"a":1,"b":"x","c":true}"#)
            let response = await context.request(.POST, "/\(Self.app)/set/\(token)", body: #"{"b":2.50,"a":null,"new":"n"}"#)
            #expect(response.status == 200)
            #expect(response.isJSON)
            #expect(response.textIgnoringIdle == #"{"id":"user1","r":1,"w":2,"ttl":7200,"idle":0,"ip":"1.2.3.4","d":{"b":2.50,"c":true,"new":"n"}}"#)
            let emptied = await context.request(.POST, "/\(Self.app)/set/\(token)", body: #"{"b":null,"c":null,"new":null}"#)
            #expect(emptied.textIgnoringIdle == #"{"id":"user1","r":1,"w":3,"ttl":7200,"idle":0,"ip":"1.2.3.4"}"#)
        }
    }

    @Test func getAndSetOfAMissingOrExpiredSessionAnswerAnEmptyObject() async throws {
        try await APITestContext.with { context in
            let missing = String(repeating: "A", count: 64)
            let get = await context.request(.GET, "/\(Self.app)/get/\(missing)")
            #expect(get.status == 200 && get.isJSON && get.text == "{}")
            let set = await context.request(.POST, "/\(Self.app)/set/\(missing)", body: #"{"a":1}"#)
            #expect(set.status == 200 && set.isJSON && set.text == "{}")

            let token = try await context.create(ttl: "10")
            try await context.age(token: token, by: 11)
            #expect(await context.request(.GET, "/\(Self.app)/get/\(token)").text == "{}")
            #expect(await context.request(.POST, "/\(Self.app)/set/\(token)", body: #"{"a":1}"#).text == "{}")
            #expect(await context.request(.DELETE, "/\(Self.app)/kill/\(token)").text == #"{"kill":0}"#)
        }
    }

    @Test func idleIsReported() async throws {
        try await APITestContext.with { context in
            let token = try await context.create()
            let la = try await context.age(token: token, by: 100)
            let (response, clock) = try await context.clock.during { await context.request(.GET, "/\(Self.app)/get/\(token)") }
            #expect(response.textIgnoringIdle == #"{"id":"user1","r":1,"w":1,"ttl":7200,"idle":0,"ip":"1.2.3.4"}"#)
            // The read's now less la, whichever second of the bracket the read fell in.
            #expect(clock.since(la).contains(response.idle ?? -1), "\(response.text)")
        }
    }

    @Test func killEndsOneSession() async throws {
        try await APITestContext.with { context in
            let token = try await context.create()
            let first = await context.request(.DELETE, "/\(Self.app)/kill/\(token)")
            #expect(first.status == 200 && first.isJSON && first.text == #"{"kill":1}"#)
            #expect(await context.request(.DELETE, "/\(Self.app)/kill/\(token)").text == #"{"kill":0}"#)
            #expect(await context.request(.GET, "/\(Self.app)/get/\(token)").text == "{}")
        }
    }

    @Test func activityCountsDistinctUsers() async throws {
        try await APITestContext.with { context in
            _ = try await context.create(id: "u1")
            _ = try await context.create(id: "u1")
            _ = try await context.create(id: "u2")
            let response = await context.request(.GET, "/\(Self.app)/activity?dt=60")
            #expect(response.status == 200 && response.isJSON && response.text == #"{"activity":2}"#)
        }
    }

    @Test func soappListsTheAppsSessionsMostRecentFirstWithoutTokens() async throws {
        try await APITestContext.with { context in
            let older = try await context.create(id: "u1", ip: "1.1.1.1")
            let newer = try await context.create(id: "u2", ip: "2.2.2.2", data: #"{"k":"v"}"#)
            // Created in the same second: make the first one 5 s older in the listing.
            let sessionsKey = "\(context.namespace):\(Self.app):_sessions"
            let newerScore = try #require(try await context.redis.send(RedisCommand("ZSCORE", sessionsKey, "\(newer):u2")).string.flatMap { Int($0) })
            _ = try await context.redis.send(RedisCommand("ZADD", sessionsKey, String(newerScore - 5), "\(older):u1"))
            let response = await context.request(.GET, "/\(Self.app)/soapp?dt=60")
            #expect(response.status == 200 && response.isJSON)
            #expect(!response.text.contains(older) && !response.text.contains(newer))
            #expect(response.textIgnoringIdle.hasPrefix(#"{"sessions":[{"id":"u2","r":1,"w":1,"ttl":7200,"idle":0,"ip":"2.2.2.2","d":{"k":"v"}},{"id":"u1""#), "\(response.text)")
        }
    }

    @Test func soidListsTheSessionsOfOneId() async throws {
        try await APITestContext.with { context in
            let token = try await context.create(id: "u1")
            _ = try await context.create(id: "u1")
            _ = try await context.create(id: "u2")
            let response = await context.request(.GET, "/\(Self.app)/soid/u1")
            #expect(response.status == 200 && response.isJSON)
            #expect(response.text.hasPrefix(#"{"sessions":[{"id":"u1","r":1,"#) && !response.text.contains(token))
            #expect(response.text.components(separatedBy: #"{"id":"u1""#).count == 3)
            let none = await context.request(.GET, "/\(Self.app)/soid/nobody")
            #expect(none.status == 200 && none.text == #"{"sessions":[]}"#)
        }
    }

    @Test func killsoidAndKillallCountWhatTheyEnd() async throws {
        try await APITestContext.with { context in
            _ = try await context.create(id: "u1")
            _ = try await context.create(id: "u1")
            _ = try await context.create(id: "u2")
            let killsoid = await context.request(.DELETE, "/\(Self.app)/killsoid/u1")
            #expect(killsoid.status == 200 && killsoid.isJSON && killsoid.text == #"{"kill":2}"#)
            #expect(await context.request(.DELETE, "/\(Self.app)/killsoid/u1").text == #"{"kill":0}"#)
            let killall = await context.request(.DELETE, "/\(Self.app)/killall")
            #expect(killall.status == 200 && killall.isJSON && killall.text == #"{"kill":1}"#)
            #expect(await context.request(.GET, "/\(Self.app)/activity?dt=60").text == #"{"activity":0}"#)
        }
    }

    @Test func pingAnswersPONGAsText() async throws {
        try await APITestContext.with { context in
            let response = await context.request(.GET, "/ping")
            #expect(response.status == 200)
            #expect(response.headers["Content-Type"] == "text/plain; charset=utf-8")
            #expect(response.text == "PONG")
        }
    }
}
