import HTTPServer
import Testing

@Suite struct RedisUnavailableTests {
    static let app = APITestContext.app
    static let token = String(repeating: "a", count: 64)

    @Test(arguments: [
        (HTTPMethod.PUT, "/\(app)/create/u1?ip=1.2.3.4", Optional(#"{"a":1}"#)),
        (.GET, "/\(app)/get/\(token)", nil),
        (.POST, "/\(app)/set/\(token)", #"{"a":1}"#),
        (.DELETE, "/\(app)/kill/\(token)", nil),
        (.GET, "/\(app)/activity?dt=60", nil),
        (.GET, "/\(app)/soapp?dt=60", nil),
        (.GET, "/\(app)/soid/u1", nil),
        (.DELETE, "/\(app)/killsoid/u1", nil),
        (.DELETE, "/\(app)/killall", nil),
        (.GET, "/ping", nil),
    ])
    func everyRouteAnswers503WhenRedisIsAway(method: HTTPMethod, target: String, body: String?) async throws {
        try await APITestContext.withUnreachableRedis { context in
            let response = await context.request(method, target, body: body)
            #expect(response.isError(503, name: "redisUnavailable", message: "Redis is unavailable"), "\(response.status) \(response.text)")
        }
    }

    @Test func validationStillComesFirst() async throws {
        try await APITestContext.withUnreachableRedis { context in
            let response = await context.request(.GET, "/ab/get/\(Self.token)")
            #expect(response.isError(400, name: "invalidFormat", message: "Invalid app format"))
        }
    }
}
