import Foundation
import HTTPServer
import Logging
import RedisClient
import SessionStore
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

    private init(redis: RedisClient, namespace: String, apiLogger: Logger, accessLog: Bool, options: RestSessionsAPIOptions) {
        self.redis = redis
        self.namespace = namespace
        var configuration = SessionStoreConfiguration()
        configuration.namespace = namespace
        configuration.wipeInterval = 0
        store = SessionStore(redis: redis, configuration: configuration, logger: Self.silentLogger)
        api = RestSessionsAPI(store: store, logger: apiLogger, accessLog: accessLog, options: options)
    }

    /// Runs `body` against a connected context and closes it afterwards.
    static func with(
        apiLogger: Logger = silentLogger, accessLog: Bool = false, options: RestSessionsAPIOptions = RestSessionsAPIOptions(),
        _ body: (APITestContext) async throws -> Void
    ) async throws {
        let url = try #require(
            ProcessInfo.processInfo.environment["RS_TEST_REDIS_URL"],
            "RS_TEST_REDIS_URL is not set: run the tests under scripts/with-test-redis.sh")
        let redis = RedisClient(configuration: try RedisConfiguration(url: url), logger: silentLogger)
        redis.connect()
        let context = APITestContext(
            redis: redis, namespace: "apitest\(UInt32.random(in: .min ... .max))", apiLogger: apiLogger, accessLog: accessLog,
            options: options)
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
        for _ in 0..<500 where !redis.isConnected {
            try await Task.sleep(for: .milliseconds(10))
        }
        try #require(redis.isConnected, "could not connect to the test Redis")
    }

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
            api.handle(request) { response in continuation.resume(returning: response) }
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

    /// Sets a session's last activity `seconds` into the past (how tests age sessions).
    func age(token: String, by seconds: Int) async throws {
        let key = "\(namespace):\(Self.app):\(token)"
        let la = try #require(try await redis.send(RedisCommand("HGET", key, "la")).string.flatMap { Int($0) })
        _ = try await redis.send(RedisCommand("HSET", key, "la", String(la - seconds)))
    }
}
