import CoreMetrics
import Foundation
import MetricsTestKit
@testable import RedisClient
import Testing

/// Redis refusing commands for reasons of its own (out of memory, busy, ...): such error replies
/// are `refused` (unavailable: the API answers 503), counted apart, and the connection goes on.
@Suite struct RefusalTests {
    @Test(arguments: [
        ("OOM command not allowed when used memory > 'maxmemory'.", true),
        ("MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk.", true),
        ("BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSCRIPT.", true),
        ("NOREPLICAS Not enough good replicas to write.", true),
        ("NOAUTH Authentication required.", true),
        ("ERR Protocol error: unauthenticated multibulk length", true),
        ("ERR Protocol error: invalid multibulk length", false),
        ("ERR unknown command 'FOO'", false),
        ("WRONGTYPE Operation against a key holding the wrong kind of value", false),
        ("OOMPH is no refusal", false),
        // Raised inside a script by Redis 6, after the script's location.
        ("@user_script: 12: -OOM command not allowed when used memory > 'maxmemory'.", true),
        ("user_script:3: MISCONF Errors writing to the AOF file", true),
        // A script's own error, after its location (Redis 7).
        ("user_script:74: stored d is not a flat JSON object", false),
        ("@user_script: x: -OOM not a line number", false),
    ])
    func refusalsAreToldApartFromOtherErrorReplies(message: String, isRefusal: Bool) {
        let error = RedisError.fromReply(message)
        #expect(error.isRefusal == isRefusal)
        #expect(error.isStateRefusal == isRefusal)
        #expect(error.isUnavailable == isRefusal)
        #expect(error.isReply)
        #expect(!error.isNotServing)
        #expect(error.message == message)
    }

    @Test func aServerThatCannotServeIsToldApartFromOneThatWillNot() {
        // These ask the sentinels for the master again; a refusal must not.
        for message in [
            "LOADING Redis is loading the dataset in memory", "READONLY You can't write against a read only replica.",
            "@user_script: 1: -READONLY You can't write against a read only replica.",
        ] {
            let error = RedisError.fromReply(message)
            #expect(error.isNotServing && error.isUnavailable && !error.isRefusal)
            #expect(error.isStateRefusal, "logged and counted as a refusal all the same")
        }
    }

    @Test func anOutOfMemoryRedisRefusesWritesCountedApartAndStillServesReads() async throws {
        let metrics = TestMetrics()
        try await withMetricsFactory(metrics) {
            let (server, client) = try await TestEnvironment.ownServerWithClient(commandTimeout: .seconds(30))
            defer { client.close(); server.stop() }  // also keeps the server alive until here
            #expect(try await client.send(RedisCommand("SET", "kept", "v")) == .simpleString("OK"))
            // noeviction is Redis's default policy: under a 1-byte maxmemory every write is refused.
            #expect(try await client.send(RedisCommand("CONFIG", "SET", "maxmemory", "1")) == .simpleString("OK"))

            let refusal = try #require(await client.failure(of: RedisCommand("SET", "new", "v")))
            #expect(refusal.isRefusal && refusal.isUnavailable)
            #expect(refusal.message.hasPrefix("OOM "))
            #expect(try await client.send(RedisCommand("GET", "kept")).string == "v")

            // Refused inside a batched script: that call fails as a refusal, a reading one succeeds.
            let script = RedisBatchedScript(RedisScript("""
                local replies = {}
                for i = 2, #ARGV do
                  if ARGV[i] == 'write' then replies[#replies + 1] = redis.pcall('SET', ARGV[1], 'w')
                  else replies[#replies + 1] = redis.call('GET', ARGV[1]) end
                end
                return replies
                """), leadingArguments: ["kept"], maximumCalls: 4, argumentsPerCall: 1)
            let batchedRefusal = await #expect(throws: RedisError.self) { try await client.evaluate(script, arguments: ["write"]) }
            #expect(batchedRefusal?.isRefusal == true)
            #expect(try await client.evaluate(script, arguments: ["read"]) == .bulkString(Array("v".utf8)))

            // The same call followed by a WAIT, and a plain sequence, as acknowledged writes travel.
            let acknowledged = await withCheckedContinuation { continuation in
                client.evaluate(script, arguments: ["write"], followedBy: RedisCommand("WAIT", "0", "0")) { continuation.resume(returning: $0) }
            }
            #expect(#expect(throws: RedisError.self) { try acknowledged.get() }?.isRefusal == true)
            let sequence = await withCheckedContinuation { continuation in
                client.send(sequence: [RedisCommand("SET", "new", "v"), RedisCommand("WAIT", "0", "0")]) { continuation.resume(returning: $0) }
            }
            #expect(#expect(throws: RedisError.self) { try sequence[0].get() }?.isRefusal == true)

            #expect(metrics.counterTotal(label: RedisMetrics.errorsLabel, dimensions: [("kind", "refused")]) == 4)
            #expect(metrics.counterTotal(label: RedisMetrics.errorsLabel, dimensions: [("kind", "reply")]) == 0)

            #expect(try await client.send(RedisCommand("CONFIG", "SET", "maxmemory", "0")) == .simpleString("OK"))
            #expect(try await client.send(RedisCommand("SET", "new", "v")) == .simpleString("OK"))
        }
    }

    @Test func aReplicaRefusesWritesCountedAsRefusalsAndServesReads() async throws {
        let metrics = TestMetrics()
        try await withMetricsFactory(metrics) {
            let master = try TestRedisServer()
            try await master.start()
            defer { master.stop() }
            let replica = try TestRedisServer(["--replicaof", "127.0.0.1", "\(master.port)"])
            try await replica.start()
            defer { replica.stop() }
            let client = try TestEnvironment.singleConnectionClient(url: replica.url, commandTimeout: .seconds(30))
            defer { client.close() }

            let refusal = try #require(await client.failure(of: RedisCommand("SET", "k", "v")))
            #expect(refusal.isNotServing && refusal.message.hasPrefix("READONLY "))
            #expect(try await client.send(RedisCommand("GET", "k")) == .null)
            #expect(metrics.counterTotal(label: RedisMetrics.errorsLabel, dimensions: [("kind", "refused")]) == 1)
            #expect(metrics.counterTotal(label: RedisMetrics.errorsLabel, dimensions: [("kind", "reply")]) == 0)
        }
    }

    @Test func aBusyRedisRefusesAndServesAgainOnceFree() async throws {
        let (server, client) = try await TestEnvironment.ownServerWithClient(commandTimeout: .seconds(30))
        defer { client.close(); server.stop() }  // also keeps the server alive until here
        let observer = TestEnvironment.connectedClient(try TestEnvironment.configuration(url: server.url))
        defer { observer.close() }
        #expect(try await observer.send(RedisCommand("CONFIG", "SET", "lua-time-limit", "10")) == .simpleString("OK"))

        let looping = Task { await client.failure(of: RedisCommand("EVAL", "while true do end", "0")) }
        #expect(await TestEnvironment.eventually { await observer.failure(of: RedisCommand("PING"))?.isRefusal == true })
        // The script still runs: Redis goes on refusing with BUSY.
        #expect(await observer.failure(of: RedisCommand("PING"))?.message.hasPrefix("BUSY ") == true)

        #expect(try await observer.send(RedisCommand("SCRIPT", "KILL")) == .simpleString("OK"))
        let killed = await looping.value
        #expect(killed?.isReply == true && killed?.isRefusal == false)
        #expect(await observer.pingSucceeds())
    }
}
