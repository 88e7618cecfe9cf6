import EventLoops
import RedisClient
import Testing

@Suite struct CommandTests {
    /// One loop holding every connection, and connections spread over three loops.
    @Test(arguments: [1, 3])
    func pipelinedBurstMatchesEveryReplyToItsCaller(eventLoopCount: Int) async throws {
        let eventLoops = EventLoopGroup(count: eventLoopCount, name: "burst")
        defer { eventLoops.shutdown() }
        var configuration = try TestEnvironment.sharedConfiguration()
        configuration.connectionCount = 4
        let client = TestEnvironment.connectedClient(configuration, eventLoops: eventLoops)
        defer { client.close() }
        let prefix = TestEnvironment.keyPrefix()
        let count = 10_000

        let counts = try await withThrowingTaskGroup(of: (Int, Int64).self) { group in
            for index in 0..<count {
                group.addTask {
                    let key = "\(prefix)\(index)"
                    let value = "value-\(index)-\(String(repeating: "x", count: index % 50))"
                    let set = try await client.send(RedisCommand("SET", key, value))
                    #expect(set == .simpleString("OK"))
                    let get = try await client.send(RedisCommand("GET", key))
                    #expect(get.string == value)
                    let increment = try await client.send(RedisCommand("INCR", "\(prefix)counter"))
                    return (index, try #require(increment.integer))
                }
            }
            var counts: [Int64] = []
            for try await (_, value) in group { counts.append(value) }
            return counts
        }
        #expect(counts.sorted() == Array(1...Int64(count)))
    }

    @Test func valuesAreBinarySafe() async throws {
        let client = TestEnvironment.connectedClient(try TestEnvironment.sharedConfiguration())
        defer { client.close() }
        let prefix = TestEnvironment.keyPrefix()
        let values: [[UInt8]] = [
            [0x61, 0x00, 0x62, 0x00],                  // NUL bytes
            [0xFF, 0xFE, 0xC3, 0x28, 0x80],            // invalid UTF-8
            Array("grüße €𝄞 \r\n$3\r\n*".utf8),        // multi-byte UTF-8 and protocol characters
            [],
        ]
        for (index, value) in values.enumerated() {
            var key = RedisCommand()
            key.append(bytes: Array("\(prefix)\(index)\0key".utf8))
            var set = RedisCommand("SET")
            set.append(bytes: Array("\(prefix)\(index)\0key".utf8))
            set.append(bytes: value)
            #expect(try await client.send(set) == .simpleString("OK"))
            var get = RedisCommand("GET")
            get.append(bytes: Array("\(prefix)\(index)\0key".utf8))
            #expect(try await client.send(get) == .bulkString(value))
        }
        var get = RedisCommand("GET")
        get.append(bytes: Array("\(prefix)1\0key".utf8))
        #expect(try await client.send(get).string == nil, "invalid UTF-8 is never decoded lossily")
        var getText = RedisCommand("GET")
        getText.append(bytes: Array("\(prefix)2\0key".utf8))
        #expect(try await client.send(getText).string == "grüße €𝄞 \r\n$3\r\n*")
    }

    @Test func errorRepliesFailTheCommand() async throws {
        let client = TestEnvironment.connectedClient(try TestEnvironment.sharedConfiguration())
        defer { client.close() }
        let key = TestEnvironment.keyPrefix() + "list"
        _ = try await client.send(RedisCommand("RPUSH", key, "a"))
        let error = try #require(await client.failure(of: RedisCommand("GET", key)))
        #expect(error.isReply)
        #expect(!error.isUnavailable)
        #expect(error.message.hasPrefix("WRONGTYPE"))
        #expect(error == .reply(error.message))

        // An error nested in an array is a value, not a failure.
        let nested = try await client.send(RedisCommand("EVAL", "return {1, redis.error_reply('nested')}", "0"))
        let elements = try #require(nested.array)
        #expect(elements.first == .integer(1))
        guard case .error(let message) = elements.last else {
            Issue.record("expected a nested error, got \(nested)")
            return
        }
        #expect(message.contains("nested"))
        #expect(try await client.send(RedisCommand("GET", key + ":missing")) == .null)
    }

    @Test func commandsThatWouldBreakThePoolAreRejected() async throws {
        let client = TestEnvironment.connectedClient(try TestEnvironment.sharedConfiguration())
        defer { client.close() }
        for command in [RedisCommand([]), RedisCommand("multi"), RedisCommand("SUBSCRIBE", "x"),
                        RedisCommand("select", "1"), RedisCommand("client", "reply", "off")] {
            let error = try #require(await client.failure(of: command))
            #expect(!error.isReply && !error.isUnavailable, "\(error)")
        }
        #expect(try await client.send(RedisCommand("CLIENT", "GETNAME")) == .null)
    }

    @Test func commandsBeforeConnectFailFast() async throws {
        let client = RedisClient(configuration: try TestEnvironment.sharedConfiguration(), logger: TestEnvironment.logger)
        defer { client.close() }
        #expect(await client.failure(of: RedisCommand("PING")) == .notConnected)
        #expect(!client.isConnected)
    }

    @Test func commandsDuringTheFirstConnectAttemptWaitForIt() async throws {
        let client = TestEnvironment.connectedClient(try TestEnvironment.sharedConfiguration())
        defer { client.close() }
        // Sent at once after connect(): queued behind the connect, not failed.
        async let first = client.send(RedisCommand("PING"))
        async let second = client.send(RedisCommand("ECHO", "hello"))
        #expect(try await first == .simpleString("PONG"))
        #expect(try await second.string == "hello")
        #expect(client.isConnected)
    }
}
