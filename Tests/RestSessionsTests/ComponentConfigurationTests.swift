import HTTPServer
import RedisClient
import SessionStore
import Testing

@testable import rest_sessions

@Suite struct ComponentConfigurationTests {
    @Test func busyPollingLastsUpTo300MicrosecondsUnlessSetOtherwise() throws {
        #expect(try Settings.load(flags: [:], configPath: nil, environment: [:]).busyPollMaximum == .microseconds(300))
        let off = try Settings.load(flags: [:], configPath: nil, environment: ["RS_BUSY_POLL_US": "0"])
        #expect(off.busyPollMaximum == .zero)
        #expect(try Settings.load(flags: ["busy-poll-us": "1500"], configPath: nil, environment: [:]).busyPollMaximum == .microseconds(1500))
    }

    @Test func redisHostAndPortMakeTheEndpoint() throws {
        let settings = try Settings.load(
            flags: [:], configPath: nil, environment: ["RS_REDISHOST": "redis.internal", "RS_REDISPORT": "6380", "RS_REDIS_TIMEOUT_MS": "250"])
        let configuration = try settings.redisConfiguration()
        #expect(configuration.endpoint == .tcp(host: "redis.internal", port: 6380))
        #expect(configuration.commandTimeout == .milliseconds(250))
    }

    @Test func theRedisURLOverridesHostAndPort() throws {
        let environment = ["RS_REDISHOST": "ignored.example", "RS_REDISPORT": "6380", "RS_REDISURL": "redis://:secret@10.1.2.3:6390/3"]
        let configuration = try Settings.load(flags: [:], configPath: nil, environment: environment).redisConfiguration()
        #expect(configuration.endpoint == .tcp(host: "10.1.2.3", port: 6390))
        #expect(configuration.database == 3)
        #expect(configuration.password == "secret")
    }

    @Test func theRedisUserPasswordAndDatabaseGoWithHostAndPort() throws {
        let environment = ["RS_REDISHOST": "redis.internal", "RS_REDIS_USERNAME": "sessions", "RS_REDIS_PASSWORD": "p@ss word", "RS_REDIS_DB": "5"]
        let configuration = try Settings.load(flags: [:], configPath: nil, environment: environment).redisConfiguration()
        #expect(configuration.endpoint == .tcp(host: "redis.internal", port: 6379))
        #expect(configuration.username == "sessions")
        #expect(configuration.password == "p@ss word")
        #expect(configuration.database == 5)
    }

    /// The URL carries its own: a second source would leave one of them silently unused.
    @Test(arguments: [["RS_REDIS_PASSWORD": "other"], ["RS_REDIS_DB": "4"], ["RS_REDIS_USERNAME": "u", "RS_REDIS_PASSWORD": "p"]])
    func theRedisUserPasswordAndDatabaseAreRefusedWithARedisURL(extra: [String: String]) throws {
        let environment = extra.merging(["RS_REDISURL": "redis://:secret@10.1.2.3:6390/3"]) { $1 }
        let error = try #require(throws: SettingsError.self) {
            try Settings.load(flags: [:], configPath: nil, environment: environment).redisConfiguration()
        }
        #expect(error.message.contains("put them in the URL"), "\(error.message)")
        #expect(!error.message.contains("secret") && !error.message.contains("other"), "\(error.message)")
    }

    @Test func aRedisUserNeedsAPasswordAndBadValuesAreRefused() throws {
        let error = try #require(throws: SettingsError.self) {
            try Settings.load(flags: ["redis-username": "sessions"], configPath: nil, environment: [:]).redisConfiguration()
        }
        #expect(error.message == "redisUsername (RS_REDIS_USERNAME) needs redisPassword (RS_REDIS_PASSWORD)")
        for (flag, value) in [("redis-db", "-1"), ("redis-db", "1000000000"), ("redis-db", "x"), ("redis-username", "a b"), ("redis-password", "")] {
            #expect(throws: SettingsError.self, "\(flag)=\(value)") { try Settings.load(flags: [flag: value], configPath: nil, environment: [:]) }
        }
    }

    @Test func aUnixRedisURLIsASocketEndpoint() throws {
        let configuration = try Settings.load(flags: ["redis-url": "unix:///run/redis.sock?db=2"], configPath: nil, environment: [:])
            .redisConfiguration()
        #expect(configuration.endpoint == .unix(path: "/run/redis.sock"))
        #expect(configuration.database == 2)
    }

    @Test func storeAndServerSettingsArePassedOn() throws {
        let flags = [
            "namespace": "ns1", "wipe": "0", "cache-time": "30", "cache-max": "10", "socket": "/tmp/rs.sock", "port": "0",
            "max-header-bytes": "2048", "max-body-bytes": "4096", "max-connections": "7", "header-timeout": "3",
            "idle-timeout": "4", "shutdown-timeout": "5",
        ]
        let settings = try Settings.load(flags: flags, configPath: nil, environment: [:])
        let store = settings.storeConfiguration
        #expect(store.namespace == "ns1")
        #expect(store.wipeInterval == 0)
        #expect(store.cacheTime == 30)
        #expect(store.cacheMaximumEntries == 10)
        let server = settings.serverConfiguration
        #expect(server.addresses == [.tcp(host: "127.0.0.1", port: 0), .unix(path: "/tmp/rs.sock")])
        #expect(server.limits.maximumHeaderBytes == 2048)
        #expect(server.limits.maximumBodyBytes == 4096)
        #expect(server.limits.maximumConnections == 7)
        #expect(server.limits.headerTimeout == .seconds(3))
        #expect(server.limits.idleTimeout == .seconds(4))
        #expect(server.limits.shutdownGracePeriod == .seconds(5))
    }
}
