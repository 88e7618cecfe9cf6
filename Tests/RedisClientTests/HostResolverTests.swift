import EventLoops
import Foundation
import Logging
import Testing
@testable import RedisClient

@Suite struct HostResolverTests {
    @Test func addressLiteralsNeedNoLookup() {
        #expect(HostResolver.isAddressLiteral("127.0.0.1"))
        #expect(HostResolver.isAddressLiteral("::1"))
        #expect(HostResolver.isAddressLiteral("fe80::1"))
        #expect(!HostResolver.isAddressLiteral("localhost"))
        #expect(!HostResolver.isAddressLiteral("redis.internal"))
        #expect(!HostResolver.isAddressLiteral("127.0.0.1.nip.io"))
    }

    @Test func aHostNameResolvesToItsAddresses() async throws {
        let result = await withCheckedContinuation { continuation in
            HostResolver.system.resolve("localhost") { continuation.resume(returning: $0) }
        }
        let addresses = try result.get()
        #expect(!addresses.isEmpty)
        #expect(addresses.allSatisfy { HostResolver.isAddressLiteral($0) }, "\(addresses)")
        #expect(addresses.contains("127.0.0.1") || addresses.contains("::1"), "\(addresses)")
    }

    @Test func anUnknownHostNameFailsWithTheResolversReason() async {
        let result = await withCheckedContinuation { continuation in
            HostResolver.system.resolve("no-such-host.invalid") { continuation.resume(returning: $0) }
        }
        guard case .failure(let failure) = result else {
            Issue.record("resolved: \(result)")
            return
        }
        #expect(failure.reason.hasPrefix("cannot resolve no-such-host.invalid: "), "\(failure.reason)")
    }

    @Test func aClientConnectsByHostName() async throws {
        let server = try TestRedisServer()
        try await server.start()
        defer { server.stop() }  // also keeps the server alive until here
        let byName = try TestEnvironment.singleConnectionClient(url: "redis://localhost:\(server.port)", commandTimeout: .seconds(5))
        defer { byName.close() }
        #expect(await TestEnvironment.eventually { await byName.pingSucceeds() })
        #expect(try await byName.send(RedisCommand("ECHO", "by name")).string == "by name")

    }

    /// A reconnect's host lookup runs off the loop: while a lookup is under way, the connection's
    /// loop still runs other work (were the lookup on the loop, the task below would only run
    /// after it), and the connection is ready again once it answers. The lookups wait until the
    /// test has seen the loop free (30 s at most, which only a lookup on the loop waits out), not
    /// for a fixed time that a stalled test process could outlast.
    @Test func aSlowHostLookupLeavesTheLoopFree() async throws {
        let server = try TestRedisServer()
        try await server.start()
        defer { server.stop() }
        let loops = EventLoopGroup(count: 1, name: "slow-lookup")
        defer { loops.shutdown() }
        let lookups = PthreadLock<(started: Int, finished: Int)>((0, 0))
        let answerLookups = PthreadLock(false)
        defer { answerLookups.withLock { $0 = true } }
        let slowResolver = HostResolver { host in
            lookups.withLock { $0.started += 1 }
            let end = ContinuousClock.now + .seconds(30)
            while !answerLookups.withLock({ $0 }) && ContinuousClock.now < end { usleep(10_000) }
            lookups.withLock { $0.finished += 1 }
            return .success(["127.0.0.1"])
        }
        var configuration = RedisConfiguration()
        configuration.endpoint = .tcp(host: "localhost", port: server.port)
        configuration.connectTimeout = .seconds(10)
        let connection = RedisConnection(configuration: configuration, role: .commands, label: "slow-lookup",
                                         loop: loops.loops[0], logger: Logger(label: "test"), hostResolver: slowResolver)
        connection.connect()
        defer { connection.close() }
        // The first attempt leaves the lookup to hiredis (localhost: /etc/hosts).
        #expect(await TestEnvironment.eventually { connection.isReady })

        server.stop()
        #expect(await TestEnvironment.eventually { lookups.withLock { $0.started } >= 1 })
        let finishedBeforeTheTask = loops.loops[0].sync { lookups.withLock { $0.finished } }
        #expect(finishedBeforeTheTask < lookups.withLock { $0.started }, "the loop waited for the host lookup")

        answerLookups.withLock { $0 = true }
        try await server.start()
        #expect(await TestEnvironment.eventually { connection.isReady }, "reconnected after the slow lookup")
        #expect(lookups.withLock { $0.finished } >= 1)
    }
}
