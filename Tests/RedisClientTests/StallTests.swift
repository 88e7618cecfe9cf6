import EventLoops
import Foundation
import Testing
@testable import RedisClient

#if canImport(Glibc)
import Glibc
#endif

/// A Redis that stops answering while TCP stays up, and one that is merely slow: servers of the
/// tests' own (SIGSTOP and DEBUG SLEEP must never reach the shared one).
@Suite struct StallTests {
    private static let stallErrors: [RedisError?] = [.timedOut, .connectionLost, .notConnected]

    /// `count` SETs at once; their failures (nil: success).
    private func burst(_ client: RedisClient, count: Int) async -> [RedisError?] {
        await withTaskGroup(of: RedisError?.self) { group in
            for index in 0..<count {
                group.addTask { await client.failure(of: RedisCommand("SET", "stall:\(index)", "v")) }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
    }

    @Test func aStoppedRedisIsLeftAndRejoinedOnceItAnswers() async throws {
        let (server, client) = try await TestEnvironment.ownServerWithClient(commandTimeout: .milliseconds(200))
        defer { client.close(); server.stop() }  // also keeps the server alive until here
        #expect(await TestEnvironment.eventually { await client.pingSucceeds() })

        server.send(SIGSTOP)
        defer { server.send(SIGCONT) }  // should an expectation below throw
        // Timed-out commands stay in hiredis; only tearing the connection down (connectionLost)
        // releases them. Keep sending through three teardowns: commands that reached hiredis
        // (timedOut or connectionLost) would all still be in flight without them.
        var unexpected: [RedisError?] = []
        var teardowns = 0
        var issued = 0
        var mostInFlight = 0
        let tornDown = await TestEnvironment.eventually {
            let failures = await burst(client, count: 100)
            unexpected += failures.filter { !Self.stallErrors.contains($0) }
            issued += failures.filter { $0 == .timedOut || $0 == .connectionLost }.count
            if failures.contains(.connectionLost) { teardowns += 1 }
            mostInFlight = max(mostInFlight, client.commandsInFlight)
            return teardowns >= 3
        }
        #expect(tornDown, "the stalled connection was torn down again and again")
        #expect(unexpected.isEmpty, "\(unexpected)")
        #expect(mostInFlight < issued, "in flight at most \(mostInFlight) of \(issued)")

        server.send(SIGCONT)
        #expect(await TestEnvironment.eventually { await client.pingSucceeds() }, "the client recovers on its own")
        #expect(try await client.send(RedisCommand("SET", "after", "stall")) == .simpleString("OK"))
        #expect(try await client.send(RedisCommand("GET", "after")).string == "stall")
    }

    @Test func aSlowRedisWhoseRepliesStillArriveKeepsTheConnection() async throws {
        let (server, client) = try await TestEnvironment.ownServerWithClient(commandTimeout: .seconds(1))
        defer { client.close(); server.stop() }  // also keeps the server alive until here
        #expect(await TestEnvironment.eventually { await client.pingSucceeds() })
        let connection = try await client.send(RedisCommand("CLIENT", "ID"))
        // A command of 0.15 s every 0.1 s: Redis falls further behind (later ones time out), but it
        // reads each as it comes and replies between them, so the silence never lasts the 2 s of a
        // stall. (Pipelined at once, Redis would run them all before writing any reply.)
        let failures = await withTaskGroup(of: RedisError?.self) { group in
            for _ in 0..<30 {
                group.addTask { await client.failure(of: RedisCommand("DEBUG", "SLEEP", "0.15")) }
                try? await Task.sleep(for: .milliseconds(100))
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(failures.allSatisfy { $0 == nil || $0 == .timedOut }, "\(failures)")
        #expect(await TestEnvironment.eventually { client.commandsInFlight == 0 })
        #expect(try await client.send(RedisCommand("CLIENT", "ID")) == connection, "the same connection")
    }

    @Test func commandsQueuedBehindASilentHandshakeKeepTheirOwnDeadline() async throws {
        let listener = try SilentListener()
        defer { withExtendedLifetime(listener) {} }
        var configuration = try RedisConfiguration(url: "redis://:password@127.0.0.1:\(listener.port)")
        configuration.connectTimeout = .seconds(300)
        configuration.commandTimeout = .milliseconds(300)
        let client = TestEnvironment.connectedClient(configuration)
        defer { client.close() }
        let outcome = PthreadLock<RedisError??>(nil)
        let ping = Task {
            let failure = await client.failure(of: RedisCommand("PING"))
            outcome.withLock { $0 = .some(failure) }
        }
        defer { ping.cancel() }
        // Far less than the 300 s connect timeout the handshake would otherwise hold it for.
        #expect(await TestEnvironment.eventually(within: .seconds(60)) { outcome.withLock { $0 != nil } })
        let failure = outcome.withLock { $0 }
        #expect(failure == .some(.notConnected) || failure == .some(.timedOut), "\(String(describing: failure))")
    }
}
