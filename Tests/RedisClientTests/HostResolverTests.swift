import Foundation
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
            HostResolver.resolve("localhost") { continuation.resume(returning: $0) }
        }
        let addresses = try result.get()
        #expect(!addresses.isEmpty)
        #expect(addresses.allSatisfy { HostResolver.isAddressLiteral($0) }, "\(addresses)")
        #expect(addresses.contains("127.0.0.1") || addresses.contains("::1"), "\(addresses)")
    }

    @Test func anUnknownHostNameFailsWithTheResolversReason() async {
        let result = await withCheckedContinuation { continuation in
            HostResolver.resolve("no-such-host.invalid") { continuation.resume(returning: $0) }
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
}
