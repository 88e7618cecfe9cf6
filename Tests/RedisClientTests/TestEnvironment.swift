import EventLoops
import Foundation
import Logging
import RedisClient
import TestSupport
import Testing

/// The throwaway Redis of `scripts/with-test-redis.sh` and helpers shared by the tests.
enum TestEnvironment {
    struct MissingVariable: Error, CustomStringConvertible {
        let name: String
        var description: String {
            "\(name) is not set: run the tests through scripts/with-test-redis.sh (e.g. "
                + "scripts/with-test-redis.sh swift test --skip-build --filter RedisClientTests)"
        }
    }

    static func variable(_ name: String) throws -> String {
        guard let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else {
            throw MissingVariable(name: name)
        }
        return value
    }

    /// The shared test server's configuration (RS_TEST_REDIS_URL).
    static func sharedConfiguration() throws -> RedisConfiguration {
        try configuration(url: variable("RS_TEST_REDIS_URL"))
    }

    /// `url` with a deadline no loaded machine reaches: the tests using it are not about the deadline
    /// (those set their own).
    static func configuration(url: String) throws -> RedisConfiguration {
        var configuration = try RedisConfiguration(url: url)
        configuration.commandTimeout = .seconds(30)
        return configuration
    }

    static let logger: Logger = {
        var logger = Logger(label: "RedisClientTests")
        logger.logLevel = .notice
        return logger
    }()

    /// A key prefix of one test, so tests can run in parallel on the shared server.
    static func keyPrefix() -> String {
        "rc-test:\(UInt64.random(in: 0...UInt64.max)):"
    }

    static func connectedClient(_ configuration: RedisConfiguration, eventLoops: EventLoopGroup = .shared) -> RedisClient {
        let client = RedisClient(configuration: configuration, eventLoops: eventLoops, logger: logger)
        client.connect()
        return client
    }

    /// One command connection, so that a command holding up Redis holds up the ones behind it.
    static func singleConnectionClient(url: String, commandTimeout: Duration) throws -> RedisClient {
        var configuration = try RedisConfiguration(url: url)
        configuration.commandTimeout = commandTimeout
        configuration.connectionCount = 1
        return connectedClient(configuration)
    }

    /// A started server of the test's own and a single-connection client of it.
    static func ownServerWithClient(commandTimeout: Duration) async throws -> (TestRedisServer, RedisClient) {
        let server = try TestRedisServer()
        try await server.start()
        return (server, try singleConnectionClient(url: server.url, commandTimeout: commandTimeout))
    }

    /// Sends a BLPOP on `list` (by default one nobody fills) on `client` (one connection) and waits
    /// until `observer` sees Redis blocked in it; the task yields the BLPOP's failure.
    static func blockInBLPOP(_ client: RedisClient, observer: RedisClient,
                             list: String = keyPrefix() + "never-filled") async throws -> Task<RedisError?, Never> {
        let name = "blocked-\(UInt64.random(in: 0...UInt64.max))"
        #expect(try await client.send(RedisCommand("CLIENT", "SETNAME", name)) == .simpleString("OK"))
        let blocked = Task { await client.failure(of: RedisCommand("BLPOP", list, "0")) }
        #expect(await eventually {
            let clients = (try? await observer.send(RedisCommand("CLIENT", "LIST")))?.string ?? ""
            return clients.split(separator: "\n").contains { $0.contains("name=\(name) ") && $0.contains("cmd=blpop") }
        })
        return blocked
    }

    /// Polls `condition` until it holds or `timeout` passes (for recovery, never for timing).
    static func eventually(within timeout: Duration = .seconds(30), _ condition: () async -> Bool) async -> Bool {
        await TestSupport.eventually(within: timeout, condition)
    }
}

extension RedisClient {
    /// The error a command failed with, or nil if it succeeded.
    func failure(of command: RedisCommand) async -> RedisError? {
        do {
            _ = try await send(command)
            return nil
        } catch {
            return error
        }
    }

    func pingSucceeds() async -> Bool {
        (try? await send(RedisCommand("PING")))?.string == "PONG"
    }
}
