import RedisClient
import Testing

@Suite struct SequenceTests {
    @Test func aSequenceAnswersEachCommandInOrder() async throws {
        let client = TestEnvironment.connectedClient(try TestEnvironment.sharedConfiguration())
        defer { client.close() }
        let key = TestEnvironment.keyPrefix() + "counter"
        let results = await withCheckedContinuation { continuation in
            client.send(sequence: [RedisCommand("INCR", key), RedisCommand("INCR", key), RedisCommand("DEL", key)]) {
                continuation.resume(returning: $0)
            }
        }
        #expect(results.map { try? $0.get() } == [.integer(1), .integer(2), .integer(1)])
    }

    @Test func aScriptFollowedByWaitLoadsTheScriptAndCountsReplicas() async throws {
        let client = TestEnvironment.connectedClient(try TestEnvironment.sharedConfiguration())
        defer { client.close() }
        // A script Redis has not seen: EVALSHA answers NOSCRIPT, the pair is sent again with EVAL.
        let script = RedisScript("return '\(UInt64.random(in: 0...UInt64.max))'")
        let replies = try await withCheckedContinuation { continuation in
            client.evaluate(script, keys: [], arguments: [], followedBy: RedisCommand("WAIT", "0", "0")) {
                continuation.resume(returning: $0)
            }
        }.get()
        #expect(replies.script.string?.isEmpty == false)
        #expect(replies.next == .integer(0))
    }

    @Test func aBlockedSequenceDoesNotHoldUpPlainCommands() async throws {
        var configuration = try TestEnvironment.sharedConfiguration()
        configuration.connectionCount = 1
        configuration.blockingConnectionCount = 1
        configuration.blockingCommandExtraTime = .seconds(5)
        let client = TestEnvironment.connectedClient(configuration)
        defer { client.close() }
        #expect(await TestEnvironment.eventually { await client.pingSucceeds() })
        let blocked = Task {
            await withCheckedContinuation { continuation in
                client.send(sequence: [RedisCommand("BLPOP", TestEnvironment.keyPrefix() + "never", "2")]) {
                    continuation.resume(returning: $0)
                }
            }
        }
        // The BLPOP blocks its own connection for 2 s; PING on the command connection answers meanwhile.
        #expect(await client.pingSucceeds())
        #expect(await blocked.value.count == 1)
    }

    @Test func anEmptyOrUnsupportedSequenceFailsWithoutSending() async throws {
        let client = TestEnvironment.connectedClient(try TestEnvironment.sharedConfiguration())
        defer { client.close() }
        let results = await withCheckedContinuation { continuation in
            client.send(sequence: [RedisCommand("PING"), RedisCommand("MULTI")]) { continuation.resume(returning: $0) }
        }
        #expect(results.count == 2 && results.allSatisfy { (try? $0.get()) == nil })
    }
}
