import RedisClient
import SessionStore
import Testing

@testable import rest_sessions

@Suite struct SentinelSettingsTests {
    private func configuration(_ environment: [String: String]) throws -> RedisConfiguration {
        try Settings.load(flags: [:], configPath: nil, environment: environment).redisConfiguration()
    }

    @Test func sentinelsReplaceTheRedisHostAndPort() throws {
        let configuration = try configuration([
            "RS_SENTINELS": "10.0.0.1:26379,[::1]:26380,sentinel.internal:26381", "RS_SENTINEL_MASTER": "mymaster",
            "RS_SENTINEL_PASSWORD": "s3cret", "RS_REDISHOST": "ignored.example",
        ])
        let sentinel = try #require(configuration.sentinel)
        #expect(sentinel.sentinels == [
            .tcp(host: "10.0.0.1", port: 26379), .tcp(host: "::1", port: 26380), .tcp(host: "sentinel.internal", port: 26381),
        ])
        #expect(sentinel.masterName == "mymaster")
        #expect(sentinel.password == "s3cret")
        #expect(configuration.password == nil)
    }

    /// The master's own AUTH and database; the sentinels keep theirs (SentinelMonitor).
    @Test func theMasterGetsTheRedisUserPasswordAndDatabase() throws {
        let configuration = try configuration([
            "RS_SENTINELS": "10.0.0.1:26379", "RS_SENTINEL_MASTER": "mymaster", "RS_SENTINEL_PASSWORD": "sentinel secret",
            "RS_REDIS_USERNAME": "sessions", "RS_REDIS_PASSWORD": "master secret", "RS_REDIS_DB": "2",
        ])
        #expect(configuration.sentinel?.password == "sentinel secret")
        #expect(configuration.username == "sessions")
        #expect(configuration.password == "master secret")
        #expect(configuration.database == 2)
    }

    @Test(arguments: ["10.0.0.1", "10.0.0.1:0", "10.0.0.1:70000", "::1:26379", "a b:1", "10.0.0.1:1,", "[10.0.0.1]:1"])
    func malformedSentinelListsAreRefused(text: String) {
        #expect(throws: SettingsError.self) { try Settings.load(flags: ["sentinels": text], configPath: nil, environment: [:]) }
    }

    @Test func sentinelsNeedAMasterNameAndExcludeARedisURL() throws {
        #expect(throws: SettingsError.self) { try configuration(["RS_SENTINELS": "10.0.0.1:26379"]) }
        #expect(throws: SettingsError.self) { try configuration(["RS_SENTINEL_MASTER": "m"]) }
        let both = ["RS_SENTINELS": "10.0.0.1:26379", "RS_SENTINEL_MASTER": "m", "RS_REDISURL": "redis://10.0.0.2"]
        #expect(throws: SettingsError.self) { try configuration(both) }
    }

    @Test func waitingForReplicasGetsBlockingConnectionsAndTheStoreSetting() throws {
        let settings = try Settings.load(flags: ["wait-replicas": "2"], configPath: nil, environment: ["RS_WAIT_TIMEOUT_MS": "250"])
        let redis = try settings.redisConfiguration()
        #expect(redis.blockingConnectionCount == Settings.blockingConnectionCount)
        #expect(redis.blockingCommandExtraTime == .milliseconds(250))
        #expect(settings.storeConfiguration.waitReplicas == 2)
        #expect(settings.storeConfiguration.waitTimeoutMilliseconds == 250)
        #expect(try Settings.load(flags: [:], configPath: nil, environment: [:]).redisConfiguration().blockingConnectionCount == 0)
        #expect(throws: SettingsError.self) { try Settings.load(flags: ["wait-timeout-ms": "0"], configPath: nil, environment: [:]) }
        #expect(throws: SettingsError.self) { try Settings.load(flags: ["wait-replicas": "-1"], configPath: nil, environment: [:]) }
    }
}
