import JSONText
import Testing
@testable import SessionStore

/// The test Redis has no replicas, so `WAIT 1` always times out: every acknowledged write (create, set, rotate, kill) must fail
/// with replicationTimeout, never report success. (Success with a real replica and a failover is
/// covered end to end by Tests/EndToEnd/test_ha.py.)
@Suite struct ReplicaAcknowledgementTests {
    @Test func writesWithoutEnoughReplicasFailWithReplicationTimeout() async throws {
        let plain = try await StoreFixture()
        let token = try await plain.create()
        let fixture = try await StoreFixture(namespace: plain.namespace, waitReplicas: 1, waitTimeoutMilliseconds: 20)
        let app = StoreFixture.app
        let created = await fixture.result { fixture.store.create(app: app, id: "u2", ip: "1.2.3.4", ttl: nil, data: nil, completion: $0) }
        #expect(created.failure == .replicationTimeout)
        let set = await fixture.result { fixture.store.set(app: app, token: token, data: .object(JSONObject([("a", .bool(true))])), completion: $0) }
        #expect(set.failure == .replicationTimeout)
        let rotated = await fixture.result { fixture.store.rotate(app: app, token: token, completion: $0) }
        #expect(rotated.failure == .replicationTimeout)
        let killed = await fixture.result { fixture.store.kill(app: app, token: token, completion: $0) }
        #expect(killed.failure == .replicationTimeout)
        #expect(SessionStoreError.replicationTimeout.isRedisUnavailable)
        #expect(SessionStoreError.replicationTimeout.name == "replicationTimeout")
    }

    @Test func readsDoNotWaitForReplicas() async throws {
        let plain = try await StoreFixture()
        let token = try await plain.create()
        let fixture = try await StoreFixture(namespace: plain.namespace, waitReplicas: 1, waitTimeoutMilliseconds: 20)
        #expect(try await fixture.get(token)?.id == "user1")
    }
}
