import HTTPServer
import RedisClient
import SessionStore

/// The settings translated into each layer's configuration.
extension Settings {
    /// The Redis URL, when set, replaces redisHost and redisPort (it was validated at load time).
    func redisConfiguration() throws(SettingsError) -> RedisConfiguration {
        var configuration = RedisConfiguration()
        if let redisURL {
            do {
                configuration = try RedisConfiguration(url: redisURL)
            } catch {
                throw SettingsError(message: "invalid Redis URL \"\(redisURL)\": \(error)")
            }
        } else {
            configuration.endpoint = .tcp(host: redisHost, port: redisPort)
        }
        configuration.commandTimeout = .milliseconds(redisTimeoutMilliseconds)
        return configuration
    }

    var storeConfiguration: SessionStoreConfiguration {
        var configuration = SessionStoreConfiguration()
        configuration.namespace = namespace
        configuration.wipeInterval = wipe
        configuration.cacheTime = cacheTime
        configuration.cacheMaximumEntries = cacheMax
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
