/// Every setting of the executable after loading (flag > env > config file > default), already validated.
struct Settings: Sendable, Hashable {
    var host = "127.0.0.1"
    var port = 3000
    var socket: String? = nil
    var redisHost = "127.0.0.1"
    var redisPort = 6379
    var redisURL: String? = nil
    var redisUsername: String? = nil
    /// Secret: never echoed in messages.
    var redisPassword: String? = nil
    var redisDatabase = 0
    var redisTimeoutMilliseconds = 2000
    var namespace = "rs"
    var wipe = 600
    var cacheTime = 0
    var cacheMax = 5000
    var logLevel = LogLevelSetting.info
    var maxHeaderBytes = 16384
    var maxBodyBytes = 65536
    var maxConnections = 10000
    var threads = 0
    var busyPollMicroseconds = 300
    var headerTimeout = 10
    var idleTimeout = 60
    var shutdownTimeout = 10
    var authCookie: String? = nil
    /// Secret: never echoed in messages.
    var apiKeys: String? = nil
    var apiKeysFile: String? = nil
    var sentinels: String? = nil
    var sentinelMaster: String? = nil
    var sentinelPassword: String? = nil
    var waitReplicas = 0
    var waitTimeoutMilliseconds = 1000
}
