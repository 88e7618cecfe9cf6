import Foundation
import HTTPServer
import Logging
import RedisClient
import SessionStore
import TestSupport
import Testing

@testable import RestSessionsAPI

/// The API handler over a real SessionStore and Redis (`RS_TEST_REDIS_URL`), in a namespace of its own.
final class APITestContext: Sendable {
    static let app = "testapp"

    let api: RestSessionsAPI
    let redis: RedisClient
    let store: SessionStore
    let namespace: String

    static let silentLogger = Logger(label: "api-tests", factory: { _ in SwiftLogNoOpLogHandler() })

    private init(
        redis: RedisClient, namespace: String, apiLogger: Logger, accessLog: Bool, options: RestSessionsAPIOptions,
        failureLogInterval: Duration = .seconds(10)
    ) {
        self.redis = redis
        self.namespace = namespace
        var configuration = SessionStoreConfiguration()
        configuration.namespace = namespace
        configuration.wipeInterval = 0
        store = SessionStore(redis: redis, configuration: configuration, logger: Self.silentLogger)
        api = RestSessionsAPI(
            store: store, logger: apiLogger, accessLog: accessLog, options: options, failureLogInterval: failureLogInterval)
    }

    /// Runs `body` against a connected context and closes it afterwards.
    static func with(
        apiLogger: Logger = silentLogger, accessLog: Bool = false, options: RestSessionsAPIOptions = RestSessionsAPIOptions(),
        failureLogInterval: Duration = .seconds(10), _ body: (APITestContext) async throws -> Void
    ) async throws {
        let url = try #require(
            ProcessInfo.processInfo.environment["RS_TEST_REDIS_URL"],
            "RS_TEST_REDIS_URL is not set: run the tests under scripts/with-test-redis.sh")
        var configuration = try RedisConfiguration(url: url)
        // No test here is about Redis's deadline: a loaded machine must not turn a slow answer into a 503.
        configuration.commandTimeout = .seconds(30)
        let redis = RedisClient(configuration: configuration, logger: silentLogger)
        redis.connect()
        let context = APITestContext(
            redis: redis, namespace: "apitest\(UInt32.random(in: .min ... .max))", apiLogger: apiLogger, accessLog: accessLog,
            options: options, failureLogInterval: failureLogInterval)
        do {
            try await context.waitUntilConnected()
            try await body(context)
        } catch {
            await context.close()
            throw error
        }
        await context.close()
    }

    /// A context whose Redis never answers (nothing listens on the port).
    static func withUnreachableRedis(
        options: RestSessionsAPIOptions = RestSessionsAPIOptions(), _ body: (APITestContext) async throws -> Void
    ) async throws {
        var configuration = RedisConfiguration()
        configuration.endpoint = .tcp(host: "127.0.0.1", port: 1)
        let redis = RedisClient(configuration: configuration, logger: silentLogger)
        redis.connect()
        let context = APITestContext(redis: redis, namespace: "unreachable", apiLogger: silentLogger, accessLog: false, options: options)
        do {
            try await body(context)
        } catch {
            await context.close()
            throw error
        }
        await context.close()
    }

    private func waitUntilConnected() async throws {
        try #require(await eventually { redis.isConnected }, "could not connect to the test Redis")
    }

    /// Redis's clock, which the session scripts read: bracket a request with `clock.during`.
    var clock: RedisClock { RedisClock(redis) }

    private func close() async {
        if redis.isConnected, let keys = try? await redis.send(RedisCommand("KEYS", "\(namespace):*")).array?.compactMap(\.string),
            !keys.isEmpty
        {
            _ = try? await redis.send(RedisCommand(["DEL"] + keys))
        }
        store.stop()
        redis.close()
    }

    func request(
        _ method: HTTPMethod, _ target: String, body: String? = nil, headers: [(String, String)] = []
    ) async -> TestResponse {
        let request = TestRequest.make(method: method, target: target, headers: headers, body: Array((body ?? "").utf8))
        let response = await withCheckedContinuation { continuation in
            api.handle(request, responder: HTTPResponder { response in continuation.resume(returning: response) })
        }
        return TestResponse(response)
    }

    /// Creates a session through the API and returns its token.
    func create(id: String = "user1", ip: String = "1.2.3.4", ttl: String? = nil, data: String? = nil) async throws -> String {
        let query = "ip=\(ip)" + (ttl.map { "&ttl=\($0)" } ?? "")
        let response = await request(.PUT, "/\(Self.app)/create/\(id)?\(query)", body: data)
        try #require(response.status == 200, "create failed: \(response.text)")
        let prefix = #"{"token":""#
        try #require(response.text.hasPrefix(prefix) && response.text.hasSuffix(#""}"#), "\(response.text)")
        return String(response.text.dropFirst(prefix.count).dropLast(2))
    }

    /// Sets a session's last activity `seconds` into the past (how tests age sessions); answers the new la.
    @discardableResult
    func age(token: String, by seconds: Int) async throws -> Int {
        let la = try await field("la", of: token) - seconds
        _ = try await redis.send(RedisCommand("HSET", "\(namespace):\(Self.app):\(token)", "la", String(la)))
        return la
    }

    /// A field of a session's hash as a number (la, xa, ttl).
    func field(_ name: String, of token: String) async throws -> Int {
        try #require(try await redis.send(RedisCommand("HGET", "\(namespace):\(Self.app):\(token)", name)).string.flatMap { Int($0) })
    }
}
