import Logging
import RedisClient
import Testing

@Suite struct SentinelTests {
    /// `commandTimeout`: long where the test is not about it (a loaded machine's Redis is slow).
    private func sentinelClient(
        sentinelPorts: [Int], masterName: String = TestSentinel.masterName, commandTimeout: Duration = .seconds(30)
    ) -> RedisClient {
        var configuration = RedisConfiguration()
        configuration.endpoint = .tcp(host: "127.0.0.1", port: 1)  // not used with Sentinel
        configuration.sentinel = SentinelConfiguration(
            sentinels: sentinelPorts.map { .tcp(host: "127.0.0.1", port: $0) }, masterName: masterName)
        configuration.commandTimeout = commandTimeout
        return TestEnvironment.connectedClient(configuration)
    }

    @Test func theMasterIsFoundThroughTheSentinelsEvenWhenTheFirstIsDown() async throws {
        let master = try TestRedisServer()
        try await master.start()
        let sentinel = try await TestSentinel(monitoring: master.port)
        let deadSentinelPort = try TestRedisServer.freePortForTests()
        let client = sentinelClient(sentinelPorts: [deadSentinelPort, sentinel.port])
        defer { client.close() }
        #expect(await TestEnvironment.eventually { await client.pingSucceeds() })
        let port = try await client.send(RedisCommand("CONFIG", "GET", "port")).array?.last?.string
        #expect(port == String(master.port))
        withExtendedLifetime(sentinel) {}
    }

    @Test func aMasterNoSentinelKnowsLeavesRedisUnavailable() async throws {
        let master = try TestRedisServer()
        try await master.start()
        let sentinel = try await TestSentinel(monitoring: master.port)
        let client = sentinelClient(sentinelPorts: [sentinel.port], masterName: "nosuchmaster", commandTimeout: .seconds(2))
        defer { client.close() }
        // Bounded polling: every attempt asks the sentinel and fails; commands fail as unavailable.
        for _ in 0..<20 {
            let error = await client.failure(of: RedisCommand("PING"))
            #expect(error?.isUnavailable == true)
            try await Task.sleep(for: .milliseconds(20))
        }
        withExtendedLifetime(sentinel) {}
    }

    @Test func aReadOnlyReplyIsUnavailableNotAnInternalError() {
        #expect(RedisError.notServing("READONLY You can't write against a read only replica.").isUnavailable)
        #expect(RedisError.notServing("LOADING Redis is loading the dataset in memory").isReply)
    }
}
