import HTTPServer
import RedisClient
import TestSupport
import Testing

@testable import RestSessionsAPI

/// rotate, max_age, max_sessions, touch=false, count, users and paging through the handler:
/// routing, validation and the exact JSON answers.
@Suite struct LifetimeRouteTests {
    static let app = APITestContext.app
    static let token = String(repeating: "a", count: 64)

    private func token(of response: TestResponse) throws -> String {
        let match = try #require(response.text.firstMatch(of: /"token":"([A-Za-z0-9]{64})"/), "\(response.text)")
        return String(match.1)
    }

    @Test func rotateAnswersANewTokenAndTheOldOneIsGone() async throws {
        try await APITestContext.with { context in
            let old = try await context.create(id: "u1", data: #"{"cart":3}"#)
            _ = await context.request(.GET, "/\(Self.app)/get/\(old)")
            let response = await context.request(.POST, "/\(Self.app)/rotate/\(old)")
            #expect(response.status == 200 && response.isJSON)
            #expect(response.text.wholeMatch(of: /\{"token":"[A-Za-z0-9]{64}"\}/) != nil, "\(response.text)")
            let new = try token(of: response)
            #expect(new != old)
            #expect(await context.request(.GET, "/\(Self.app)/get/\(old)").text == "{}")
            let session = await context.request(.GET, "/\(Self.app)/get/\(new)")
            #expect(session.textIgnoringIdle == #"{"id":"u1","r":2,"w":1,"ttl":7200,"idle":0,"ip":"1.2.3.4","d":{"cart":3}}"#)
            let again = await context.request(.POST, "/\(Self.app)/rotate/\(old)")
            #expect(again.status == 200 && again.isJSON && again.text == "{}")
        }
    }

    @Test func rotateIgnoresABodyAndIsPOSTOnly() async throws {
        try await APITestContext.with { context in
            let old = try await context.create()
            let malformed = await context.request(.POST, "/\(Self.app)/rotate/\(old)", body: "not json", headers: [("Content-Type", "application/json")])
            #expect(malformed.status == 400, "a body declared JSON must be well-formed")
            let response = await context.request(.POST, "/\(Self.app)/rotate/\(old)", body: #"{"a":1}"#)
            #expect(response.status == 200)
            let get = await context.request(.GET, "/\(Self.app)/rotate/\(old)")
            #expect(get.status == 405 && get.headers["Allow"] == "POST, OPTIONS")
        }
    }

    @Test func createWithMaxAgeAndMaxSessions() async throws {
        try await APITestContext.with { context in
            let first = await context.request(.PUT, "/\(Self.app)/create/u1?ip=1.2.3.4&ttl=100&max_age=600&max_sessions=1")
            #expect(first.status == 200 && first.isJSON)
            #expect(first.text.wholeMatch(of: /\{"token":"[A-Za-z0-9]{64}","evicted":0\}/) != nil, "\(first.text)")
            let token = try token(of: first)
            let end = try await context.field("xa", of: token)
            #expect(try await end == context.field("la", of: token) + 600)
            // The clock moves on between create and get (under load by seconds): expires_in counts down to xa.
            let (session, clock) = try await context.clock.during { await context.request(.GET, "/\(Self.app)/get/\(token)") }
            let expiresIn = try #require(session.textIgnoringIdle.wholeMatch(of: /\{"id":"u1","r":1,"w":1,"ttl":100,"idle":0,"ip":"1\.2\.3\.4","expires_in":(\d+)\}/), "\(session.text)")
            #expect(clock.until(end).contains(Int(expiresIn.1) ?? -1))
            let withData = await context.request(.PUT, "/\(Self.app)/create/u1?ip=1.2.3.4&max_age=60&max_sessions=1", body: #"{"a":1}"#)
            #expect(withData.text.hasSuffix(#","evicted":1}"#), "\(withData.text)")
            #expect(await context.request(.GET, "/\(Self.app)/get/\(token)").text == "{}")
            let second = try self.token(of: withData)
            let secondEnd = try await context.field("xa", of: second)
            #expect(try await secondEnd == context.field("la", of: second) + 60)
            // expires_in is the last key, after d.
            let (listed, listClock) = try await context.clock.during { await context.request(.GET, "/\(Self.app)/soid/u1") }
            let listedExpiresIn = try #require(listed.textIgnoringIdle.wholeMatch(of: /\{"sessions":\[\{"id":"u1","r":1,"w":1,"ttl":7200,"idle":0,"ip":"1\.2\.3\.4","d":\{"a":1\},"expires_in":(\d+)\}\]\}/), "\(listed.text)")
            #expect(listClock.until(secondEnd).contains(Int(listedExpiresIn.1) ?? -1))
            #expect(!listed.text.contains(second))
            // Without max_sessions the answer is the reference's.
            let plain = await context.request(.PUT, "/\(Self.app)/create/u1?ip=1.2.3.4&max_age=60")
            #expect(plain.text.wholeMatch(of: /\{"token":"[A-Za-z0-9]{64}"\}/) != nil, "\(plain.text)")
        }
    }

    @Test func touchFalseReadsWithoutCounting() async throws {
        try await APITestContext.with { context in
            let token = try await context.create()
            for _ in 0..<2 {
                let peek = await context.request(.GET, "/\(Self.app)/get/\(token)?touch=false")
                #expect(peek.status == 200 && peek.textIgnoringIdle == #"{"id":"user1","r":1,"w":1,"ttl":7200,"idle":0,"ip":"1.2.3.4"}"#)
            }
            // HEAD does not count either, whatever touch says (a bad value is still a 400).
            #expect(await context.request(.HEAD, "/\(Self.app)/get/\(token)").status == 200)
            #expect(await context.request(.HEAD, "/\(Self.app)/get/\(token)?touch=true").status == 200)
            #expect(await context.request(.HEAD, "/\(Self.app)/get/\(token)?touch=maybe").status == 400)
            #expect(await context.request(.GET, "/\(Self.app)/get/\(token)?touch=true").text.contains(#""r":1,"#))
            #expect(await context.request(.GET, "/\(Self.app)/get/\(token)").text.contains(#""r":2,"#))
            let missing = await context.request(.GET, "/\(Self.app)/get/\(Self.token)?touch=false")
            #expect(missing.status == 200 && missing.text == "{}")
        }
    }

    @Test func countAndUsers() async throws {
        try await APITestContext.with { context in
            _ = try await context.create(id: "u1")
            _ = try await context.create(id: "u1")
            _ = try await context.create(id: "u\"2")
            let count = await context.request(.GET, "/\(Self.app)/count?dt=60")
            #expect(count.status == 200 && count.isJSON && count.text == #"{"count":3}"#)
            let users = await context.request(.GET, "/\(Self.app)/users?dt=60")
            #expect(users.status == 200 && users.isJSON)
            #expect(users.text == #"{"users":["u1","u\"2"]}"# || users.text == #"{"users":["u\"2","u1"]}"#, "\(users.text)")
            let page = await context.request(.GET, "/\(Self.app)/users?dt=60&limit=1&offset=2")
            #expect(page.text == #"{"users":[]}"#)
            #expect(await context.request(.GET, "/otherapp/count?dt=60").text == #"{"count":0}"#)
            #expect(await context.request(.GET, "/otherapp/users?dt=60").text == #"{"users":[]}"#)
            #expect(await context.request(.HEAD, "/\(Self.app)/count?dt=60").status == 200)
        }
    }

    @Test func pagedListings() async throws {
        try await APITestContext.with { context in
            var tokens: [String] = []
            for ip in ["1.1.1.1", "2.2.2.2", "3.3.3.3"] {
                tokens.append(try await context.create(id: "pager", ip: ip))
            }
            // Distinct activity, 10 s apart from one base: the first created is the most recent.
            let sessionsKey = "\(context.namespace):\(Self.app):_sessions"
            let base = try #require(try await context.redis.send(RedisCommand("ZSCORE", sessionsKey, "\(tokens[0]):pager")).string.flatMap { Int($0) })
            for (position, token) in tokens.enumerated() {
                _ = try await context.redis.send(RedisCommand("ZADD", sessionsKey, String(base - 10 * position), "\(token):pager"))
            }
            let soapp = await context.request(.GET, "/\(Self.app)/soapp?dt=60&limit=2&offset=1")
            #expect(soapp.status == 200 && soapp.isJSON)
            #expect(soapp.text.contains(#""ip":"2.2.2.2"}"#) && soapp.text.hasSuffix(#""ip":"3.3.3.3"}]}"#), "\(soapp.text)")
            let soid = await context.request(.GET, "/\(Self.app)/soid/pager?limit=2")
            #expect(soid.text.hasPrefix(#"{"sessions":[{"id":"pager""#) && soid.text.contains(#""ip":"1.1.1.1"}"#) && soid.text.hasSuffix(#""ip":"2.2.2.2"}]}"#), "\(soid.text)")
            #expect(!soid.text.contains("3.3.3.3"))
            #expect(await context.request(.GET, "/\(Self.app)/soid/pager?offset=3").text == #"{"sessions":[]}"#)
        }
    }

    @Test func newRoutesAreRoutedWithTheirMethods() async throws {
        try await APITestContext.with { context in
            for (method, path, allow) in [
                (HTTPMethod.GET, "/\(Self.app)/rotate/\(Self.token)", "POST, OPTIONS"),
                (.POST, "/\(Self.app)/count", "GET, HEAD, OPTIONS"),
                (.DELETE, "/\(Self.app)/users", "GET, HEAD, OPTIONS"),
            ] {
                let response = await context.request(method, path)
                #expect(response.isError(405, name: "methodNotAllowed", message: "Method not allowed on this route"), "\(path)")
                #expect(response.headers["Allow"] == allow)
            }
            for path in ["/\(Self.app)/rotate", "/\(Self.app)/count/x", "/\(Self.app)/users/x"] {
                #expect(await context.request(.GET, path).status == 404, "\(path)")
            }
        }
    }

    @Test func rotateHidesTheTokenInTheAccessLog() {
        #expect(Route(pathSegments: ["app", "rotate", "T"])?.tokenPathPart == 3)
    }

    static let rows: [ValidationTests.Row] = [
        // rotate: app, token
        ValidationTests.row(.POST, "/ab/rotate/short", ValidationTests.invalidApp),
        ValidationTests.row(.POST, "/\(app)/rotate/short", ValidationTests.invalidToken),
        // create: app, id, ip, ttl, max_age, max_sessions, d
        ValidationTests.row(.PUT, "/\(app)/create/u1?ip=1.2.3.4&ttl=5&max_age=5&max_sessions=0", body: "[1]", ValidationTests.invalidTTL),
        ValidationTests.row(.PUT, "/\(app)/create/u1?ip=1.2.3.4&max_age=9&max_sessions=0", body: "[1]", invalidMaxAge),
        ValidationTests.row(.PUT, "/\(app)/create/u1?ip=1.2.3.4&max_age=abc", invalidMaxAge),
        ValidationTests.row(.PUT, "/\(app)/create/u1?ip=1.2.3.4&max_age=-60", invalidMaxAge),
        ValidationTests.row(.PUT, "/\(app)/create/u1?ip=1.2.3.4&max_sessions=0", body: "[1]", invalidMaxSessions),
        ValidationTests.row(.PUT, "/\(app)/create/u1?ip=1.2.3.4&max_sessions=1001", invalidMaxSessions),
        ValidationTests.row(.PUT, "/\(app)/create/u1?ip=1.2.3.4&max_sessions=many", invalidMaxSessions),
        ValidationTests.row(.PUT, "/\(app)/create/u1?ip=1.2.3.4&max_age=10&max_sessions=1000", body: "[1]", ValidationTests.notObject),
        // get: app, token, touch
        ValidationTests.row(.GET, "/\(app)/get/short?touch=no", ValidationTests.invalidToken),
        ValidationTests.row(.GET, "/\(app)/get/\(token)?touch=no", invalidTouch),
        ValidationTests.row(.GET, "/\(app)/get/\(token)?touch=", invalidTouch),
        ValidationTests.row(.GET, "/\(app)/get/\(token)?touch=FALSE", invalidTouch),
        // count/users: app, dt (then limit, offset)
        ValidationTests.row(.GET, "/ab/count", ValidationTests.invalidApp),
        ValidationTests.row(.GET, "/\(app)/count", ValidationTests.invalidDT),
        ValidationTests.row(.GET, "/\(app)/count?dt=9", ValidationTests.invalidDT),
        ValidationTests.row(.GET, "/ab/users?dt=60", ValidationTests.invalidApp),
        ValidationTests.row(.GET, "/\(app)/users?limit=0", ValidationTests.invalidDT),
        ValidationTests.row(.GET, "/\(app)/users?dt=60&limit=0&offset=-1", invalidLimit),
        ValidationTests.row(.GET, "/\(app)/users?dt=60&offset=-1", invalidOffset),
        // soapp: app, dt, limit, offset · soid: app, id, limit, offset
        ValidationTests.row(.GET, "/\(app)/soapp?limit=0", ValidationTests.invalidDT),
        ValidationTests.row(.GET, "/\(app)/soapp?dt=60&limit=1001", invalidLimit),
        ValidationTests.row(.GET, "/\(app)/soapp?dt=60&limit=x&offset=x", invalidLimit),
        ValidationTests.row(.GET, "/\(app)/soapp?dt=60&limit=10&offset=x", invalidOffset),
        ValidationTests.row(.GET, "/\(app)/soid/?limit=0", ValidationTests.missingId),
        ValidationTests.row(.GET, "/\(app)/soid/u1?limit=0", invalidLimit),
        ValidationTests.row(.GET, "/\(app)/soid/u1?offset=-2", invalidOffset),
    ]

    static let invalidMaxAge = ("invalidValue", "max_age must be a positive integer >= 10")
    static let invalidMaxSessions = ("invalidValue", "max_sessions must be an integer from 1 to 1000")
    static let invalidTouch = ("invalidValue", "touch must be true or false")
    static let invalidLimit = ("invalidValue", "limit must be an integer from 1 to 1000")
    static let invalidOffset = ("invalidValue", "offset must be an integer >= 0")

    @Test(arguments: rows)
    func aFailingRuleAnswers400(row: ValidationTests.Row) async throws {
        try await APITestContext.with { context in
            let response = await context.request(row.method, row.target, body: row.body)
            #expect(response.isError(400, name: row.name, message: row.message), "\(response.status) \(response.text)")
        }
    }
}
