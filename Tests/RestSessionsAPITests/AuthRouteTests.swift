import HTTPServer
import Testing

@testable import RestSessionsAPI

@Suite struct AuthRouteTests {
    static let app = APITestContext.app
    static let unknownToken = String(repeating: "b", count: 64)

    @Test func aLiveSessionGives204WithTheUserIdAndCountsAsARead() async throws {
        try await APITestContext.with { context in
            let token = try await context.create(id: "user1")
            let response = await context.request(.GET, "/\(Self.app)/auth", headers: [("X-Session-Token", token)])
            #expect(response.status == 204)
            #expect(response.body.isEmpty)
            #expect(response.headers["X-Session-Id"] == "user1")
            #expect(response.headers["X-Session-Data"] == nil)
            let read = await context.request(.GET, "/\(Self.app)/get/\(token)")
            #expect(read.textIgnoringIdle == #"{"id":"user1","r":2,"w":1,"ttl":7200,"idle":0,"ip":"1.2.3.4"}"#)
        }
    }

    @Test func headAnswersAsGetWouldWithoutCountingARead() async throws {
        try await APITestContext.with { context in
            let token = try await context.create(id: "user1")
            let response = await context.request(.HEAD, "/\(Self.app)/auth", headers: [("X-Session-Token", token)])
            #expect(response.status == 204 && response.headers["X-Session-Id"] == "user1")
            #expect(await context.request(.HEAD, "/\(Self.app)/auth", headers: [("X-Session-Token", Self.unknownToken)]).status == 401)
            let read = await context.request(.GET, "/\(Self.app)/get/\(token)")
            #expect(read.textIgnoringIdle == #"{"id":"user1","r":1,"w":1,"ttl":7200,"idle":0,"ip":"1.2.3.4"}"#)
        }
    }

    @Test func theTokenComesFromTheHeaderThenBearerThenTheNamedCookieThenTheDefaultCookie() async throws {
        var options = RestSessionsAPIOptions()
        options.authCookie = "rs_token"
        try await APITestContext.with(options: options) { context in
            let token = try await context.create()
            let other = String(repeating: "Z", count: 64)
            let cases: [(target: String, headers: [(String, String)], status: Int)] = [
                ("auth", [("X-Session-Token", token), ("Authorization", "Bearer \(other)")], 204),
                ("auth", [("X-Session-Token", other), ("Authorization", "Bearer \(token)")], 401),
                ("auth", [("Authorization", "bEaReR   \(token)")], 204),
                ("auth", [("Authorization", "Basic \(token)"), ("Cookie", "rs_token=\(token)")], 204),
                ("auth?cookie=sid", [("Cookie", "theme=dark; sid=\(token); x=1")], 204),
                ("auth?cookie=sid", [("Cookie", "theme=dark"), ("Cookie", "sid=\"\(token)\"")], 204),
                ("auth?cookie=sid", [("Cookie", "rs_token=\(token)")], 401),
                ("auth", [("Cookie", "rs_token=\(token)")], 204),
                ("auth", [("Cookie", "xrs_token=\(token)")], 401),
                ("auth", [], 401),
            ]
            for (target, headers, status) in cases {
                let response = await context.request(.GET, "/\(Self.app)/\(target)", headers: headers)
                #expect(response.status == status, "\(target) \(headers)")
            }
        }
    }

    @Test func anythingButALiveSessionIs401WithoutABody() async throws {
        try await APITestContext.with { context in
            let killed = try await context.create()
            _ = await context.request(.DELETE, "/\(Self.app)/kill/\(killed)")
            let expired = try await context.create(ttl: "10")
            try await context.age(token: expired, by: 11)
            let live = try await context.create()
            let cases: [(app: String, token: String?)] = [
                (Self.app, nil), (Self.app, "short"), (Self.app, killed), (Self.app, expired),
                (Self.app, String(repeating: "a", count: 64)), ("x", live), ("other_app", live),
            ]
            for (app, token) in cases {
                let response = await context.request(.GET, "/\(app)/auth", headers: token.map { [("X-Session-Token", $0)] } ?? [])
                #expect(response.status == 401, "\(app) \(token ?? "none")")
                #expect(response.body.isEmpty && response.headers["Content-Type"] == nil)
                #expect(response.headers["WWW-Authenticate"] == "Bearer")
                #expect(response.headers["X-Session-Id"] == nil)
            }
        }
    }

    @Test func withDataTrueTheDataComesAsASCIIJSON() async throws {
        try await APITestContext.with { context in
            let token = try await context.create(id: "Zo%C3%AB%201%25", data: #"{"name":"Zoë","emoji":"😀","n":120.55,"ok":true}"#)
            let response = await context.request(
                .GET, "/\(Self.app)/auth?data=true", headers: [("Authorization", "Bearer \(token)")])
            #expect(response.status == 204)
            #expect(response.headers["X-Session-Id"] == "Zo%C3%AB%201%25")
            #expect(response.headers["X-Session-Data"] == #"{"name":"Zo\u00EB","emoji":"\uD83D\uDE00","n":120.55,"ok":true}"#)
            let without = try await context.create()
            let empty = await context.request(.GET, "/\(Self.app)/auth?data=true", headers: [("X-Session-Token", without)])
            #expect(empty.headers["X-Session-Data"] == "{}")
        }
    }

    @Test func redisAwayIs503() async throws {
        try await APITestContext.withUnreachableRedis { context in
            let response = await context.request(.GET, "/\(Self.app)/auth", headers: [("X-Session-Token", String(repeating: "a", count: 64))])
            #expect(response.isError(503, name: "redisUnavailable", message: "Redis is unavailable"))
            let noToken = await context.request(.GET, "/\(Self.app)/auth")
            #expect(noToken.status == 401)
        }
    }
}
