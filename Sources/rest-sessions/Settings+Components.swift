import EventLoops
import HTTPServer
import RedisClient
import SessionStore

/// The settings translated into each layer's configuration.
extension Settings {
    /// Writes that wait for replicas get connections of their own (`WAIT` blocks its connection).
    static let blockingConnectionCount = 4

    /// With `threads` 0: a loop per usable processor but one (at least one), leaving a core to Redis,
    /// which usually runs beside the service, and to the kernel's network work. On 2 cores shared with
    /// Redis and wrk, one loop served 7-15% more requests than two (README, Performance).
    var eventLoopCount: Int {
        threads > 0 ? threads : max(1, EventLoopGroup.usableProcessorCount - 1)
    }

    /// How long a busy event loop polls before it sleeps (BusyPollPolicy; README, Performance).
    var busyPollMaximum: Duration { .microseconds(busyPollMicroseconds) }

    /// The Redis URL, when set, replaces redisHost and redisPort (it was validated at load time) and
    /// carries the user, password and database itself; sentinels replace the host, port and URL.
    func redisConfiguration() throws(SettingsError) -> RedisConfiguration {
        var configuration = RedisConfiguration()
        if let sentinel = try sentinelConfiguration() {
            configuration.sentinel = sentinel
        } else if let redisURL {
            guard redisUsername == nil, redisPassword == nil, redisDatabase == 0 else {
                throw SettingsError(message: "redisUsername, redisPassword and redisDb (RS_REDIS_USERNAME, RS_REDIS_PASSWORD, RS_REDIS_DB) cannot be set with redisUrl (RS_REDISURL): put them in the URL, redis://user:password@host:port/db")
            }
            do {
                configuration = try RedisConfiguration(url: redisURL)
            } catch {
                throw SettingsError(message: "invalid Redis URL \(SettingDefinition.withoutUserInfo(.string(redisURL))): \(error)")
            }
        } else {
            configuration.endpoint = .tcp(host: redisHost, port: redisPort)
        }
        if redisURL == nil {
            guard redisUsername == nil || redisPassword != nil else {
                throw SettingsError(message: "redisUsername (RS_REDIS_USERNAME) needs redisPassword (RS_REDIS_PASSWORD)")
            }
            configuration.username = redisUsername
            configuration.password = redisPassword
            configuration.database = redisDatabase
        }
        configuration.commandTimeout = .milliseconds(redisTimeoutMilliseconds)
        if waitReplicas > 0 {
            configuration.blockingConnectionCount = Self.blockingConnectionCount
            configuration.blockingCommandExtraTime = .milliseconds(waitTimeoutMilliseconds)
        }
        return configuration
    }

    /// The sentinels' part, checked as a whole: the sentinels and the master name come together, and
    /// a Redis URL would name a second, competing master.
    private func sentinelConfiguration() throws(SettingsError) -> SentinelConfiguration? {
        guard let sentinels else {
            if sentinelMaster != nil || sentinelPassword != nil {
                throw SettingsError(message: "sentinelMaster (RS_SENTINEL_MASTER) and sentinelPassword (RS_SENTINEL_PASSWORD) need sentinels (RS_SENTINELS)")
            }
            return nil
        }
        guard redisURL == nil else {
            throw SettingsError(message: "sentinels (RS_SENTINELS) and redisUrl (RS_REDISURL) cannot both be set: with Sentinel the master's address comes from the sentinels")
        }
        guard let sentinelMaster else {
            throw SettingsError(message: "sentinels (RS_SENTINELS) needs sentinelMaster (RS_SENTINEL_MASTER), the name of the monitored master")
        }
        guard let endpoints = TextRule.sentinelEndpoints(sentinels) else {
            throw SettingsError(message: "invalid sentinels \"\(sentinels)\"")
        }
        var configuration = SentinelConfiguration(sentinels: endpoints, masterName: sentinelMaster)
        configuration.password = sentinelPassword
        return configuration
    }

    var storeConfiguration: SessionStoreConfiguration {
        var configuration = SessionStoreConfiguration()
        configuration.namespace = namespace
        configuration.wipeInterval = wipe
        configuration.cacheTime = cacheTime
        configuration.cacheMaximumEntries = cacheMax
        configuration.waitReplicas = waitReplicas
        configuration.waitTimeoutMilliseconds = waitTimeoutMilliseconds
        return configuration
    }

    var serverConfiguration: HTTPServerConfiguration {
        var configuration = HTTPServerConfiguration()
        configuration.addresses = [.tcp(host: host, port: port)] + (socket.map { [.unix(path: $0)] } ?? [])
        configuration.limits.maximumHeaderBytes = maxHeaderBytes
        configuration.limits.maximumBodyBytes = maxBodyBytes
        configuration.limits.maximumConnections = maxConnections
        configuration.limits.headerTimeout = .seconds(headerTimeout)
        configuration.limits.bodyTimeout = .seconds(headerTimeout)
        configuration.limits.idleTimeout = .seconds(idleTimeout)
        configuration.limits.shutdownGracePeriod = .seconds(shutdownTimeout)
        return configuration
    }
}
