import CoreMetrics
import Foundation
import EventLoops
import MetricsTestKit
@testable import RedisClient
import Testing

@Suite struct BatchedScriptTests {
    /// ARGV: a list key, then the calls (count, arguments). Each call pushes its first argument to
    /// the list and answers {that word, calls in this script call, its argument count}; a call
    /// whose word is "fail" answers an error instead.
    static let recorder = """
        local calls, first = {}, 2
        while first <= #ARGV do
          local last = first + tonumber(ARGV[first])
          calls[#calls + 1] = {unpack(ARGV, first + 1, last)}
          first = last + 1
        end
        local replies = {}
        for i, arguments in ipairs(calls) do
          if arguments[1] == 'fail' then
            replies[i] = {err = 'ERR call ' .. i .. ' failed'}
          else
            redis.call('RPUSH', ARGV[1], arguments[1])
            replies[i] = {arguments[1], #calls, #arguments}
          end
        end
        return replies
        """

    enum Call {
        case batched(RedisBatchedScript, [String])
        case plain(RedisCommand)
    }

    /// A client of one connection on a loop of its own, connected; and a list key of the test.
    private static func setUp() async throws -> (RedisClient, EventLoopGroup, key: String) {
        var configuration = try TestEnvironment.sharedConfiguration()
        configuration.connectionCount = 1
        let loops = EventLoopGroup(count: 1, name: "batching")
        let client = TestEnvironment.connectedClient(configuration, eventLoops: loops)
        #expect(await TestEnvironment.eventually { await client.pingSucceeds() })
        return (client, loops, TestEnvironment.keyPrefix() + "calls")
    }

    /// A recorder of its own (a unique comment makes a script Redis has not seen) for `key`.
    private static func recorder(key: String, maximumCalls: Int = 16) -> RedisBatchedScript {
        RedisBatchedScript(RedisScript("-- \(UInt64.random(in: 0...UInt64.max))\n" + recorder),
                           leadingArguments: [key], maximumCalls: maximumCalls)
    }

    /// Makes every call in one task on the client's loop, so all of them fall in the same pass.
    private static func inOnePass(_ client: RedisClient, on loop: EventLoop, _ calls: [Call]) async -> [Result<RedisReply, RedisError>] {
        await withCheckedContinuation { continuation in
            loop.execute {
                let results = ReplyCollector(count: calls.count) { continuation.resume(returning: $0) }
                for (index, call) in calls.enumerated() {
                    switch call {
                    case .batched(let script, let arguments):
                        client.evaluate(script, arguments: arguments) { results.store($0, at: index) }
                    case .plain(let command):
                        client.send(command) { results.store($0, at: index) }
                    }
                }
            }
        }
    }

    private static func list(_ client: RedisClient, _ key: String) async throws -> [String] {
        try await client.send(RedisCommand("LRANGE", key, "0", "-1")).array?.compactMap(\.string) ?? []
    }

    private static func reply(_ word: String, batchOf calls: Int, arguments: Int) -> RedisReply {
        .array([.bulkString(Array(word.utf8)), .integer(Int64(calls)), .integer(Int64(arguments))])
    }

    @Test func aBatchIsMeasuredAsOneCommandAndEachFailedCallCounted() async throws {
        let metrics = TestMetrics()
        try await withMetricsFactory(metrics) {
            let (client, loops, key) = try await Self.setUp()
            defer { client.close(); loops.shutdown() }
            let script = Self.recorder(key: key)
            let before = try metrics.expectTimer(RedisMetrics.roundTripLabel).values.count
            let results = await Self.inOnePass(client, on: loops.loops[0], [
                .batched(script, ["w1"]), .batched(script, ["fail"]), .batched(script, ["w3"]), .batched(script, ["fail"]),
            ])
            #expect(results.filter { (try? $0.get()) == nil }.count == 2)
            // The EVALSHA that Redis did not know yet, then its EVAL: two commands, not four calls.
            #expect(try metrics.expectTimer(RedisMetrics.roundTripLabel).values.count - before == 2)
            #expect(metrics.counterTotal(label: RedisMetrics.errorsLabel, dimensions: [("kind", "reply")]) == 2)
        }
    }

    @Test func callsMadeInOnePassShareOneScriptCall() async throws {
        let (client, loops, key) = try await Self.setUp()
        defer { client.close(); loops.shutdown() }
        let script = Self.recorder(key: key)
        // Calls of different arities: each gets its own arguments back, in call order.
        let arguments = [["w1"], ["w2", "x"], ["w3"], ["w4", "x", "y"], ["w5"]]
        let results = await Self.inOnePass(client, on: loops.loops[0], arguments.map { .batched(script, $0) })
        #expect(results.map { try? $0.get() } == arguments.map { Self.reply($0[0], batchOf: 5, arguments: $0.count) })
        #expect(try await Self.list(client, key) == ["w1", "w2", "w3", "w4", "w5"])
    }

    @Test func callsOfAFixedLengthTravelWithoutTheirCount() async throws {
        let (client, loops, _) = try await Self.setUp()
        defer { client.close(); loops.shutdown() }
        // ARGV: "lead", then two arguments per call, no count: each reply joins them and says how
        // many arguments the script was given in all.
        let script = RedisBatchedScript(RedisScript("""
            local replies = {}
            for first = 2, #ARGV, 2 do replies[#replies + 1] = ARGV[1] .. ARGV[first] .. ARGV[first + 1] .. #ARGV end
            return replies
            """), leadingArguments: ["lead"], maximumCalls: 8, argumentsPerCall: 2)
        let results = await Self.inOnePass(client, on: loops.loops[0], [.batched(script, ["a", "b"]), .batched(script, ["c", "d"])])
        #expect(results.map { try? $0.get().string } == ["leadab5", "leadcd5"])
    }

    @Test func aFullBatchGoesOutAtOnceAndTheNextCallsOpenAnother() async throws {
        let (client, loops, key) = try await Self.setUp()
        defer { client.close(); loops.shutdown() }
        let script = Self.recorder(key: key, maximumCalls: 2)
        let words = ["a", "b", "c", "d", "e"]
        let results = await Self.inOnePass(client, on: loops.loops[0], words.map { .batched(script, [$0]) })
        #expect(results.map { try? $0.get() } == zip(words, [2, 2, 2, 2, 1]).map { Self.reply($0, batchOf: $1, arguments: 1) })
    }

    /// A batch's calls count towards the write every few commands (HiredisContext.commandQueued):
    /// a full batch of 16 reaches Redis while the pass that made it is still running. The pass
    /// blocks its loop until another client, on loops of its own, sees the 16 words in the list
    /// (30 s at most: a bound a stalled or loaded machine cannot outlast, which only a batch left
    /// for the end of the pass waits out).
    @Test func aFullBatchIsWrittenBeforeItsPassEnds() async throws {
        let (client, loops, key) = try await Self.setUp()
        defer { client.close(); loops.shutdown() }
        let script = Self.recorder(key: key)
        _ = try await client.send(RedisCommand("SCRIPT", "LOAD", script.script.source))
        let (watcher, watcherLoops, _) = try await Self.setUp()
        defer { watcher.close(); watcherLoops.shutdown() }

        let words = (1...16).map { "w\($0)" }
        let seenDuringThePass = await withCheckedContinuation { continuation in
            loops.loops[0].execute {
                for word in words { client.evaluate(script, arguments: [word]) { _ in } }
                continuation.resume(returning: Self.waitForLength(16, of: key, by: watcher, upTo: .seconds(30)))
            }
        }
        #expect(seenDuringThePass)
        #expect(try await Self.list(client, key) == words)
    }

    /// Blocks the calling thread (a test's own loop, on purpose) until `key` holds `length`
    /// elements, asking through `watcher`, whose replies come on another loop.
    private static func waitForLength(_ length: Int, of key: String, by watcher: RedisClient, upTo limit: Duration) -> Bool {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            let answered = DispatchSemaphore(value: 0)
            let seen = PthreadLock(0)
            watcher.send(RedisCommand("LLEN", key)) { result in
                if case .success(.integer(let count)) = result { seen.withLock { $0 = Int(count) } }
                answered.signal()
            }
            answered.wait()
            if seen.withLock({ $0 }) >= length { return true }
            Thread.sleep(forTimeInterval: 0.01)
        }
        return false
    }

    @Test func aCallThatFailsFailsAlone() async throws {
        let (client, loops, key) = try await Self.setUp()
        defer { client.close(); loops.shutdown() }
        let script = Self.recorder(key: key)
        let results = await Self.inOnePass(client, on: loops.loops[0], [.batched(script, ["a"]), .batched(script, ["fail"]), .batched(script, ["b"])])
        #expect(try results[0].get() == Self.reply("a", batchOf: 3, arguments: 1))
        #expect(results[1].error == .reply("ERR call 2 failed"))
        #expect(try results[2].get() == Self.reply("b", batchOf: 3, arguments: 1))
    }

    @Test func anotherCommandSendsTheOpenBatchFirstSoRedisKeepsTheCallOrder() async throws {
        let (client, loops, key) = try await Self.setUp()
        defer { client.close(); loops.shutdown() }
        let first = Self.recorder(key: key)
        let second = Self.recorder(key: key)
        // Loaded: the EVAL sent after a NOSCRIPT would come after the commands behind it.
        for script in [first, second] { _ = try await client.send(RedisCommand("SCRIPT", "LOAD", script.script.source)) }
        let results = await Self.inOnePass(client, on: loops.loops[0], [
            .batched(first, ["a"]), .batched(first, ["b"]), .plain(RedisCommand("RPUSH", key, "plain")),
            .batched(first, ["c"]), .batched(second, ["d"]), .batched(first, ["e"]),
        ])
        #expect(results.map { try? $0.get() } == [
            Self.reply("a", batchOf: 2, arguments: 1), Self.reply("b", batchOf: 2, arguments: 1), .integer(3),
            Self.reply("c", batchOf: 1, arguments: 1), Self.reply("d", batchOf: 1, arguments: 1),
            Self.reply("e", batchOf: 1, arguments: 1),
        ])
        #expect(try await Self.list(client, key) == ["a", "b", "plain", "c", "d", "e"])
    }

    @Test func aReplyOfAnotherShapeFailsEveryCall() async throws {
        let (client, loops, _) = try await Self.setUp()
        defer { client.close(); loops.shutdown() }
        let script = RedisBatchedScript(RedisScript("return {1}"), leadingArguments: [], maximumCalls: 4)
        let results = await Self.inOnePass(client, on: loops.loops[0], [.batched(script, []), .batched(script, [])])
        let expected = RedisError.reply("ERR a batched script answered 1 replies for 2 calls")
        #expect(results.map(\.error) == [expected, expected])
    }

    @Test func aScriptRedisDoesNotKnowIsSentWithItsSource() async throws {
        // Calls from outside the loop (the async API) and a script never loaded: NOSCRIPT, then EVAL.
        let (client, loops, key) = try await Self.setUp()
        defer { client.close(); loops.shutdown() }
        let script = Self.recorder(key: key)
        #expect(try await client.evaluate(script, arguments: ["a", "x"]) == Self.reply("a", batchOf: 1, arguments: 2))
        let exists = try await client.send(RedisCommand("SCRIPT", "EXISTS", script.script.sha1))
        #expect(exists == .array([.integer(1)]))

        let followed = Self.recorder(key: key)
        let replies = try await withCheckedContinuation { continuation in
            client.evaluate(followed, arguments: ["b"], followedBy: RedisCommand("LLEN", key)) { continuation.resume(returning: $0) }
        }.get()
        #expect(replies.script == Self.reply("b", batchOf: 1, arguments: 1))
        #expect(replies.next == .integer(2))
    }

    @Test func aFailingCallFollowedByAnotherCommandFailsAlone() async throws {
        let (client, loops, key) = try await Self.setUp()
        defer { client.close(); loops.shutdown() }
        let result = await withCheckedContinuation { continuation in
            client.evaluate(Self.recorder(key: key), arguments: ["fail"], followedBy: RedisCommand("PING")) {
                continuation.resume(returning: $0)
            }
        }
        #expect(result.error == .reply("ERR call 1 failed"))
    }
}

extension Result {
    var error: Failure? {
        if case .failure(let error) = self { error } else { nil }
    }
}
