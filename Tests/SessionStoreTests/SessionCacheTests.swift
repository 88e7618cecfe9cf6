import RedisClient
import TestSupport
import Testing
@testable import SessionStore

@Suite struct SessionCacheTests {
    /// Both instances subscribe in start(); wait until Redis counts both subscriptions.
    private func waitForSubscribers(_ count: Int, on fixture: StoreFixture) async throws {
        let subscribed = try await eventually {
            try await fixture.command("PUBSUB", "NUMSUB", fixture.namespace + ":cache").array?.last?.integer == Int64(count)
        }
        if !subscribed { Issue.record("the cache subscriptions did not arrive") }
    }

    @Test func cachedGetsAreInvalidatedAcrossInstances() async throws {
        let first = try await StoreFixture(cacheTime: 60)
        let second = try await StoreFixture(namespace: first.namespace, cacheTime: 60)
        first.store.start()
        second.store.start()
        try await waitForSubscribers(2, on: first)
        let token = try await first.create(data: #"{"a":1}"#)
        let fetched = try #require(try await first.get(token))
        #expect(fetched.reads == 1)
        // A hit comes from memory unchanged: same r and idle, and Redis counts no read.
        #expect(try await first.get(token) == fetched)
        #expect(try await first.hash(token)["r"] == "2")
        _ = try await second.get(token)
        // A set on the other instance publishes; the first evicts and reads the new data. Invalidation
        // travels through pub/sub: poll until the first instance has seen it.
        _ = try await second.set(token, #"{"a":2}"#)
        #expect(try await eventually { try await first.get(token)?.data == #"{"a":2}"# })
        // A kill on the other instance: the first never serves the killed session again.
        _ = try await first.get(token)
        #expect(try await second.kill(token) == 1)
        #expect(try await eventually { try await first.get(token) == nil })
        #expect(try await second.get(token) == nil)
        first.store.stop()
        second.store.stop()
    }

    @Test func aReconnectedSubscriberDropsWhatItMayHaveMissed() async throws {
        // A Redis of the test's own: CLIENT KILL TYPE pubsub must not hit other tests' subscribers.
        let server = try PrivateRedisServer()
        let first = try await StoreFixture(cacheTime: 60, url: server.url)
        let second = try await StoreFixture(namespace: first.namespace, cacheTime: 60, url: server.url)
        first.store.start()
        try await waitForSubscribers(1, on: first)
        let token = try await first.create(data: #"{"a":1}"#)
        let fetched = try #require(try await first.get(token))
        #expect(try await first.get(token) == fetched)  // cached

        // The change is published while the first instance's subscriber reconnects: it never hears of it.
        #expect(try await second.command("CLIENT", "KILL", "TYPE", "pubsub").integer == 1)
        _ = try await second.set(token, #"{"a":2}"#)
        #expect(try await eventually { try await first.get(token)?.data == #"{"a":2}"# }, "no stale session after the reconnect")
        try await waitForSubscribers(1, on: first)
        first.store.stop()
        withExtendedLifetime(server) {}
    }

    @Test func withoutCacheEveryGetReachesRedis() async throws {
        let fixture = try await StoreFixture()
        let token = try await fixture.create()
        _ = try await fixture.get(token)
        #expect(try await fixture.get(token)?.reads == 2)
    }
}
