import EventLoops
import Foundation
import Logging
import RedisClient
import TestSupport
import Testing

/// Tests with a redis-server of their own (restarts, passwords, sockets, stalls).
@Suite struct ConnectionTests {
    @Test func recoversAfterRedisRestarts() async throws {
        let (server, client) = try await TestEnvironment.ownServerWithClient(commandTimeout: .seconds(30))
        defer { client.close(); server.stop() }  // also keeps the server alive until here
        let observer = TestEnvironment.connectedClient(try TestEnvironment.configuration(url: server.url))
        defer { observer.close() }
        #expect(try await client.send(RedisCommand("SET", "k", "v")) == .simpleString("OK"))

        // A command in flight when Redis dies fails with connectionLost (long before its 30 s deadline).
        let blocked = try await TestEnvironment.blockInBLPOP(client, observer: observer)
        server.stop()
        #expect(await blocked.value == .connectionLost)

        // While Redis is away, commands fail fast instead of waiting for their deadline.
        #expect(await TestEnvironment.eventually { !client.isConnected })
        #expect(await client.failure(of: RedisCommand("PING")) == .notConnected)

        try await server.start()
        #expect(await TestEnvironment.eventually { await client.pingSucceeds() }, "the client reconnects on its own")
        #expect(client.isConnected)
        #expect(try await client.send(RedisCommand("SET", "k", "again")) == .simpleString("OK"))
    }

    @Test func commandsPastTheirDeadlineTimeOutAndTheConnectionRecovers() async throws {
        // A deadline a loaded machine's Redis still meets; the test waits for it once.
        let (server, client) = try await TestEnvironment.ownServerWithClient(commandTimeout: .seconds(5))
        defer { client.close(); server.stop() }  // also keeps the server alive until here
        let observer = TestEnvironment.connectedClient(try TestEnvironment.configuration(url: server.url))
        defer { observer.close() }
        #expect(await TestEnvironment.eventually { await client.pingSucceeds() })

        // Redis answers only when the observer fills the list, long after the deadline. The GET is
        // sent once Redis is blocked, so it is surely queued behind the BLPOP.
        let list = TestEnvironment.keyPrefix() + "late"
        let blocked = try await TestEnvironment.blockInBLPOP(client, observer: observer, list: list)
        async let queuedBehind = client.failure(of: RedisCommand("GET", "k"))
        #expect(await blocked.value == .timedOut)
        #expect(await queuedBehind == .timedOut)
        #expect(try await observer.send(RedisCommand("LPUSH", list, "late reply")) == .integer(1))

        // The late replies are ignored: once Redis answers again, replies still match their callers.
        #expect(await TestEnvironment.eventually { await client.pingSucceeds() })
        #expect(try await client.send(RedisCommand("SET", "k", "after")) == .simpleString("OK"))
        #expect(try await client.send(RedisCommand("GET", "k")).string == "after")
        #expect(try await client.send(RedisCommand("ECHO", "in order")).string == "in order")
    }

    @Test func authenticatesAndSelectsTheDatabase() async throws {
        let server = try TestRedisServer(["--requirepass", "s3cret p@ss"])
        try await server.start()
        defer { server.stop() }  // also keeps the server alive until here

        var configuration = try TestEnvironment.configuration(url: "redis://:s3cret%20p%40ss@127.0.0.1:\(server.port)/3")
        configuration.connectionCount = 3
        let client = TestEnvironment.connectedClient(configuration)
        defer { client.close() }
        for connection in 0..<3 {
            #expect(try await client.send(RedisCommand("SET", "key\(connection)", "in db 3")) == .simpleString("OK"))
        }
        #expect(try await client.send(RedisCommand("DBSIZE")) == .integer(3))

        var otherDatabase = configuration
        otherDatabase.database = 0
        otherDatabase.username = "default"  // AUTH user password (ACL form)
        let databaseZero = TestEnvironment.connectedClient(otherDatabase)
        defer { databaseZero.close() }
        #expect(try await databaseZero.send(RedisCommand("GET", "key0")) == .null)
        #expect(try await databaseZero.send(RedisCommand("DBSIZE")) == .integer(0))

        // Commands queued behind a refused AUTH fail as notConnected, and the client stays down.
        var wrongPassword = configuration
        wrongPassword.password = "wrong"
        let refused = TestEnvironment.connectedClient(wrongPassword)
        defer { refused.close() }
        #expect(await refused.failure(of: RedisCommand("PING")) == .notConnected)
        #expect(!refused.isConnected)

        // The subscriber connection authenticates too.
        let received = MessageInbox()
        client.subscribe(channel: "auth-channel") { received.add($0) }
        #expect(await TestEnvironment.eventually {
            _ = try? await client.send(RedisCommand("PUBLISH", "auth-channel", "hi"))
            return received.contains(Array("hi".utf8))
        })
    }

    enum RefusedConnectionTrigger: CaseIterable, Sendable {
        case wideCommands
        case subscribe
    }

    @Test(arguments: RefusedConnectionTrigger.allCases)
    func connectionsThatRedisRefusesBackOffAndSaySoOnce(trigger: RefusedConnectionTrigger) async throws {
        // Right after a connect that succeeded, Redis drops an unauthenticated client at its first
        // command of more than 10 arguments, and answers its SUBSCRIBE with NOAUTH, which no
        // command waits for in hiredis's subscriber mode, so hiredis drops the connection itself.
        let server = try TestRedisServer(["--requirepass", "s3cret"])
        try await server.start()
        defer { server.stop() }  // also keeps the server alive until here
        let admin = TestEnvironment.connectedClient(try TestEnvironment.configuration(url: "redis://:s3cret@127.0.0.1:\(server.port)"))
        defer { admin.close() }
        let lines = CapturedLines()
        var logger = Logger(label: "refused", factory: { _ in CapturingLogHandler(lines: lines) })
        logger.logLevel = .notice
        var configuration = try TestEnvironment.configuration(url: "redis://127.0.0.1:\(server.port)")
        configuration.connectionCount = 1
        let client = RedisClient(configuration: configuration, eventLoops: .shared, logger: logger)
        client.connect()
        defer { client.close() }
        let before = try await Self.connectionsReceived(by: admin)
        let clock = ContinuousClock()
        let start = clock.now
        let wideCommand = RedisCommand(["DEL"] + (1...11).map { "key\($0)" })
        var refusals = 0
        if trigger == .subscribe { client.subscribe(channel: "refused") { _ in } }
        // Two seconds at least, longer on a loaded machine until the drops have happened.
        var connections = 0
        var elapsed = Duration.zero
        repeat {
            if trigger == .wideCommands, await client.failure(of: wideCommand) != nil { refusals += 1 }
            try await Task.sleep(for: .milliseconds(5))
            elapsed = clock.now - start
            if elapsed >= .seconds(2) { connections = try await Self.connectionsReceived(by: admin) - before }
        } while elapsed < .seconds(2) || (connections < 3 && elapsed < .seconds(30))
        #expect(trigger == .subscribe || refusals > 0)
        #expect(connections >= 3, "the drops happened: \(connections) in \(elapsed)")
        // Reconnecting at the minimum delay (25-50 ms) makes 20 or more a second; backing off
        // (50-100, 100-200, 200-400 ms, then 250-500 ms) makes about 10 in the first 2 s, then at most 4 a second.
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        #expect(Double(connections) <= 6 + 5 * seconds, "\(connections) connections in \(elapsed)")
        #expect(lines.all.filter { $0.hasPrefix("Lost the connection") }.count == 1, "\(lines.all)")
    }

    @Test func connectionsLostWithoutAnErrorReplyReconnectAtOnceAndSaySoEachTime() async throws {
        // An idle command connection (no scripts to preload) and a subscriber get no reply through
        // the path that judges refused connections: their losses are ordinary ones, every time.
        let server = try TestRedisServer()
        try await server.start()
        defer { server.stop() }  // also keeps the server alive until here
        var configuration = try TestEnvironment.configuration(url: server.url)
        configuration.connectionCount = 1
        let admin = TestEnvironment.connectedClient(configuration)
        defer { admin.close() }
        let lines = CapturedLines()
        var logger = Logger(label: "drops", factory: { _ in CapturingLogHandler(lines: lines) })
        logger.logLevel = .notice
        let client = RedisClient(configuration: configuration, eventLoops: .shared, logger: logger)
        client.connect()
        defer { client.close() }
        client.subscribe(channel: "drops") { _ in }
        func bothConnected() async -> Bool {
            let subscribers = try? await admin.send(RedisCommand("PUBLISH", "drops", "ping"))
            let clients = (try? await admin.send(RedisCommand("CLIENT", "LIST", "TYPE", "normal")))?.string ?? ""
            return subscribers == .integer(1) && clients.split(whereSeparator: \.isNewline).count == 2
        }
        let rounds = 4
        for _ in 0..<rounds {
            #expect(await TestEnvironment.eventually { await bothConnected() })
            // The admin's own connection is skipped (SKIPME yes).
            _ = try await admin.send(RedisCommand("CLIENT", "KILL", "TYPE", "pubsub"))
            _ = try await admin.send(RedisCommand("CLIENT", "KILL", "TYPE", "normal"))
        }
        #expect(await TestEnvironment.eventually { await bothConnected() })
        let logged = lines.all
        #expect(logged.filter { $0.hasPrefix("Lost the connection") }.count == 2 * rounds, "\(logged)")
        #expect(logged.filter { $0 == "Connected to Redis" || $0 == "Reconnected to Redis" }.count == 2 + 2 * rounds, "\(logged)")
        #expect(!logged.contains("Redis answers again"), "\(logged)")
    }

    @Test func connectsThroughAUnixSocket() async throws {
        let server = try TestRedisServer(unixSocket: true)
        try await server.start()
        defer { server.stop() }  // also keeps the server alive until here
        let configuration = try TestEnvironment.configuration(url: "unix://\(server.socketPath)?db=2")
        let client = TestEnvironment.connectedClient(configuration)
        defer { client.close() }
        #expect(try await client.send(RedisCommand("SET", "k", "v")) == .simpleString("OK"))
        let info = try await client.send(RedisCommand("CLIENT", "INFO")).string ?? ""
        #expect(info.contains("db=2"), "\(info)")
        #expect(info.contains("addr=\(server.socketPath)") || info.contains("laddr=\(server.socketPath)"), "\(info)")
    }

    @Test func closeFailsPendingCommands() async throws {
        let url = try TestEnvironment.variable("RS_TEST_REDIS_URL")
        let client = try TestEnvironment.singleConnectionClient(url: url, commandTimeout: .seconds(30))
        let observer = TestEnvironment.connectedClient(try TestEnvironment.configuration(url: url))
        defer { observer.close() }

        let blocked = try await TestEnvironment.blockInBLPOP(client, observer: observer)
        client.close()
        #expect(await blocked.value == .connectionLost)
        #expect(await client.failure(of: RedisCommand("PING")) == .notConnected)
        #expect(!client.isConnected)
    }

    @Test func aConnectAttemptThatHangsTimesOut() async throws {
        let listener = try SilentListener()
        defer { withExtendedLifetime(listener) {} }
        var configuration = try RedisConfiguration(url: "redis://:password@127.0.0.1:\(listener.port)")
        configuration.connectTimeout = .milliseconds(300)
        configuration.commandTimeout = .seconds(60)
        let client = TestEnvironment.connectedClient(configuration)
        defer { client.close() }
        // Queued behind an AUTH that is never answered: fails when the attempt times out, not after 60 s.
        #expect(await client.failure(of: RedisCommand("PING")) == .notConnected)
        #expect(!client.isConnected)
    }

    @Test func aFailedFirstAttemptFailsQueuedCommands() async throws {
        let server = try TestRedisServer()  // never started: nothing listens on its port
        var configuration = try RedisConfiguration(url: server.url)
        configuration.commandTimeout = .seconds(30)
        let client = TestEnvironment.connectedClient(configuration)
        defer { client.close() }
        #expect(await client.failure(of: RedisCommand("PING")) == .notConnected)
        #expect(await client.failure(of: RedisCommand("PING")) == .notConnected)
        #expect(!client.isConnected)
    }

    @Test func aStalledConnectionBoundsItsPendingCommands() async throws {
        // A deadline beyond the sleep: the sleep, not the deadline, holds the commands.
        let (server, client) = try await TestEnvironment.ownServerWithClient(commandTimeout: .seconds(300))
        defer { client.close(); server.stop() }  // also keeps the server alive until here
        #expect(await client.pingSucceeds())

        // Redis sleeps on the first command, so every command behind it stays pending. The sleep
        // outlasts queueing them even under a sanitizer on a busy machine; once the command past
        // the limit has failed fast, the server is killed to end the wait.
        async let sleeping = client.failure(of: RedisCommand("DEBUG", "SLEEP", "60"))
        let limit = 100_000
        let outcomes = await withTaskGroup(of: RedisError?.self) { group in
            for index in 0..<limit {
                group.addTask { await client.failure(of: RedisCommand("ECHO", "\(index)")) }
            }
            var outcomes: [RedisError?] = []
            for await outcome in group {
                outcomes.append(outcome)
                if outcome == .tooManyPendingCommands { server.stop() }
            }
            return outcomes
        }
        #expect(await sleeping == .connectionLost)
        let rejected = outcomes.filter { $0 == .tooManyPendingCommands }.count
        #expect(rejected >= 1, "the command past the limit failed fast")
        #expect(outcomes.allSatisfy { $0 == nil || $0 == .connectionLost || $0 == .tooManyPendingCommands })
        try await server.start()
        #expect(await TestEnvironment.eventually { await client.pingSucceeds() })
    }

    /// Connections Redis has accepted since it started (INFO's total_connections_received).
    private static func connectionsReceived(by admin: RedisClient) async throws -> Int {
        let info = try await admin.send(RedisCommand("INFO", "stats")).string ?? ""
        let line = info.split(whereSeparator: \.isNewline).first { $0.hasPrefix("total_connections_received:") }
        return try #require(line.flatMap { Int($0.split(separator: ":")[1]) })
    }
}
