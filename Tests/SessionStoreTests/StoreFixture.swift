import Foundation
import JSONText
import Logging
import RedisClient
import TestSupport
import Testing
@testable import SessionStore

/// A store on the test Redis (RS_TEST_REDIS_URL from scripts/with-test-redis.sh) with a random
/// namespace of its own, plus raw access to Redis to inspect and age what the store wrote.
struct StoreFixture {
    static let app = "testapp"
    let redis: RedisClient
    let store: SessionStore
    let namespace: String

    /// `url`: another Redis than the shared test one (e.g. a PrivateRedisServer's).
    /// `listingBatchSize`: small, so a few sessions make an unpaged listing take many batches.
    init(
        namespace: String? = nil, cacheTime: Int = 0, wipeInterval: Int = 0, waitReplicas: Int = 0,
        waitTimeoutMilliseconds: Int = 1000, listingBatchSize: Int? = nil, url: String? = nil, redisConnections: Int? = nil,
        wipeRetryDelay: Duration? = nil
    ) async throws {
        guard let url = url ?? ProcessInfo.processInfo.environment["RS_TEST_REDIS_URL"] else {
            Issue.record("RS_TEST_REDIS_URL is not set: run the tests through scripts/with-test-redis.sh")
            throw FixtureError.noRedis
        }
        let logger = Logger(label: "SessionStoreTests")
        var redisConfiguration = try RedisConfiguration(url: url)
        // No test here is about Redis's deadline: a loaded machine must not turn a slow answer into a failure.
        redisConfiguration.commandTimeout = .seconds(30)
        if let redisConnections { redisConfiguration.connectionCount = redisConnections }
        redis = RedisClient(configuration: redisConfiguration, logger: logger)
        redis.connect()
        self.namespace = namespace ?? "t\(UInt64.random(in: 0...UInt64.max))"
        var configuration = SessionStoreConfiguration()
        configuration.namespace = self.namespace
        configuration.cacheTime = cacheTime
        configuration.wipeInterval = wipeInterval
        configuration.waitReplicas = waitReplicas
        configuration.waitTimeoutMilliseconds = waitTimeoutMilliseconds
        if let listingBatchSize { configuration.listingBatchSize = listingBatchSize }
        if let wipeRetryDelay { configuration.wipeRetryDelay = wipeRetryDelay }
        store = SessionStore(redis: redis, configuration: configuration, logger: logger)
        try await waitForConnection()
    }

    enum FixtureError: Error { case noRedis, notConnected, unexpectedReply(String) }

    /// connect() returns at once; commands sent before the connection is up fail fast.
    private func waitForConnection() async throws {
        guard await eventually({ redis.isConnected }) else { throw FixtureError.notConnected }
    }

    // MARK: store operations as async calls

    func result<Value: Sendable>(
        _ operation: (@escaping @Sendable (Result<Value, SessionStoreError>) -> Void) -> Void
    ) async -> Result<Value, SessionStoreError> {
        await withCheckedContinuation { continuation in
            operation { continuation.resume(returning: $0) }
        }
    }

    func create(id: String = "user1", ip: String? = "10.0.0.7", ttl: String? = nil, data: String? = nil, app: String = app) async throws -> String {
        let value = try data.map { try JSONParser.parse(Array($0.utf8)) }
        return try await result { store.create(app: app, id: id, ip: ip, ttl: ttl, data: value, completion: $0) }.get().token
    }

    /// create with every option, answering the whole reply.
    func createSession(
        id: String = "user1", ttl: String? = nil, maxAge: String? = nil, maxSessions: String? = nil, app: String = app
    ) async throws -> CreatedSession {
        try await result {
            store.create(app: app, id: id, ip: "10.0.0.7", ttl: ttl, maxAge: maxAge, maxSessions: maxSessions, data: nil, completion: $0)
        }.get()
    }

    func get(_ token: String, touch: String? = nil, app: String = app) async throws -> Session? {
        try await result { store.get(app: app, token: token, touch: touch, completion: $0) }.get()
    }

    func rotate(_ token: String, app: String = app) async throws -> String? {
        try await result { store.rotate(app: app, token: token, completion: $0) }.get()?.token
    }

    func set(_ token: String, _ data: String, app: String = app) async throws -> Session? {
        let value = try JSONParser.parse(Array(data.utf8))
        return try await result { store.set(app: app, token: token, data: value, completion: $0) }.get()
    }

    func kill(_ token: String, app: String = app) async throws -> Int {
        try await result { store.kill(app: app, token: token, completion: $0) }.get()
    }

    // MARK: raw Redis

    @discardableResult
    func command(_ arguments: String...) async throws -> RedisReply {
        try await redis.send(RedisCommand(arguments))
    }

    func now() async throws -> Int {
        try await RedisClock(redis).now()
    }

    /// `body`'s value and the range Redis's clock was in meanwhile (see RedisClock.during).
    func during<Value>(_ body: () async throws -> Value) async throws -> (Value, clock: ClosedRange<Int>) {
        try await RedisClock(redis).during(body)
    }

    /// Every key of this namespace, sorted.
    func keys() async throws -> [String] {
        try await command("KEYS", namespace + ":*").array?.compactMap(\.string).sorted() ?? []
    }

    /// Whether the wipe lock taken by a wipe begun at `start` must still be held: it lasts 9 s (the
    /// shortest wipe interval less a second), which a loaded machine may see pass before it looks.
    static func wipeLockMustBeHeld(since start: ContinuousClock.Instant) -> Bool {
        ContinuousClock.now - start < .seconds(9)
    }

    /// The keys left after a wipe begun at `start`, but the wipe lock, which must be among them while
    /// it must be held.
    func keysAfterWipe(begun start: ContinuousClock.Instant) async throws -> [String] {
        let keys = try await keys()
        let lock = namespace + ":_wipelock"
        #expect(keys.contains(lock) || !Self.wipeLockMustBeHeld(since: start), "the wipe lock lasts 9 s")
        return keys.filter { $0 != lock }
    }

    func hash(_ token: String, app: String = app) async throws -> [String: String] {
        let fields = try await command("HGETALL", "\(namespace):\(app):\(token)").array?.compactMap(\.string) ?? []
        return Dictionary(uniqueKeysWithValues: stride(from: 0, to: fields.count - 1, by: 2).map { (fields[$0], fields[$0 + 1]) })
    }

    func score(_ key: String, _ member: String) async throws -> Int? {
        try await command("ZSCORE", "\(namespace):\(key)", member).string.flatMap { Int($0) }
    }

    /// Moves a session's history `seconds` into the past everywhere it is recorded, as if nobody
    /// had touched it since: la, the absolute end xa (when it has one), the index scores and the
    /// deadline. Answers the new la.
    @discardableResult
    func age(_ token: String, by seconds: Int, app: String = app) async throws -> Int {
        let script = """
            local ns, app, token, seconds = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4])
            local key = ns .. ':' .. app .. ':' .. token
            local id = redis.call('HGET', key, 'id')
            local la = tonumber(redis.call('HGET', key, 'la')) - seconds
            local ttl = tonumber(redis.call('HGET', key, 'ttl'))
            local xa = tonumber(redis.call('HGET', key, 'xa'))
            local deadline = la + ttl
            if xa then
              xa = xa - seconds
              redis.call('HSET', key, 'xa', xa)
              deadline = math.min(deadline, xa)
            end
            redis.call('HSET', key, 'la', la)
            redis.call('ZADD', ns .. ':' .. app .. ':_sessions', la, token .. ':' .. id)
            redis.call('ZADD', ns .. ':' .. app .. ':_users', la, id)
            redis.call('ZADD', ns .. ':SESSIONS', deadline, app .. ':' .. token .. ':' .. id)
            return la
            """
        guard let lastActivity = try await command("EVAL", script, "0", namespace, app, token, String(seconds)).integer else {
            throw FixtureError.unexpectedReply("age")
        }
        return Int(lastActivity)
    }

    /// Ages a session to the last activity `lastActivity` exactly: sessions aged from one base
    /// second keep their order and distances however long creating them took.
    func age(_ token: String, to lastActivity: Int, app: String = app) async throws {
        let la = try #require(try await hash(token, app: app)["la"].flatMap { Int($0) })
        try await age(token, by: la - lastActivity, app: app)
    }

    /// Puts a session's absolute end `seconds` from now (negative: past), with its deadline in
    /// SESSIONS as the store keeps it: how tests reach the end of max_age without waiting.
    @discardableResult
    func setAbsoluteEnd(_ token: String, inSeconds seconds: Int, app: String = app) async throws -> Int {
        let script = """
            local ns, app, token = ARGV[1], ARGV[2], ARGV[3]
            local xa = tonumber(redis.call('TIME')[1]) + tonumber(ARGV[4])
            local key = ns .. ':' .. app .. ':' .. token
            local id = redis.call('HGET', key, 'id')
            local la, ttl = tonumber(redis.call('HGET', key, 'la')), tonumber(redis.call('HGET', key, 'ttl'))
            redis.call('HSET', key, 'xa', xa)
            redis.call('ZADD', ns .. ':SESSIONS', math.min(la + ttl, xa), app .. ':' .. token .. ':' .. id)
            return xa
            """
        guard let absoluteEnd = try await command("EVAL", script, "0", namespace, app, token, String(seconds)).integer else {
            throw FixtureError.unexpectedReply("absolute end")
        }
        return Int(absoluteEnd)
    }

    /// A session written the way Node's redis-sessions 3.0 writes one (its create's commands).
    func nodeCreate(token: String, id: String, ttl: Int, noResave: Bool, data: String? = nil, app: String = app) async throws {
        let now = try await now()
        let prefix = namespace + ":"
        try await command("ZADD", prefix + app + ":_sessions", String(now), token + ":" + id)
        try await command("ZADD", prefix + app + ":_users", String(now), id)
        try await command("ZADD", prefix + "SESSIONS", String(now + ttl), app + ":" + token + ":" + id)
        try await command("SADD", prefix + app + ":us:" + id, token)
        try await command("HMSET", prefix + app + ":" + token, "id", id, "r", "1", "w", "1", "ip", "127.0.0.1", "la", String(now), "ttl", String(ttl))
        if let data { try await command("HSET", prefix + app + ":" + token, "d", data) }
        if noResave { try await command("HSET", prefix + app + ":" + token, "no_resave", "1") }
    }

    static func token(_ letter: Character) -> String {
        String(repeating: letter, count: 64)
    }
}
