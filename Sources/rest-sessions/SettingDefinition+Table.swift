extension SettingDefinition {
    /// Every setting, in the order of INTERFACES.md (and of `--help` and the config file).
    static var all: [SettingDefinition] {
        [
            SettingDefinition(
                fileKey: "host", flag: "host", environmentName: "RS_HOST",
                summary: "Address or host name to listen on",
                expectation: "an IPv4/IPv6 literal or a host name", kind: .text(\.host, .hostName)),
            SettingDefinition(
                fileKey: "port", flag: "port", environmentName: "RS_PORT",
                summary: "TCP port to listen on (0: any free port, logged at start-up)",
                expectation: "an integer from 0 to 65535", kind: .integer(\.port, allowed: [0...65535])),
            SettingDefinition(
                fileKey: "socket", flag: "socket", environmentName: "RS_SOCKET",
                summary: "Unix socket path to listen on as well as host:port",
                expectation: "a Unix socket path of 1 to 107 bytes", kind: .optionalText(\.socket, .socketPath)),
            SettingDefinition(
                fileKey: "redisHost", flag: "redis-host", environmentName: "RS_REDISHOST",
                summary: "Redis host (ignored when a Redis URL is set)",
                expectation: "an IPv4/IPv6 literal or a host name", kind: .text(\.redisHost, .hostName)),
            SettingDefinition(
                fileKey: "redisPort", flag: "redis-port", environmentName: "RS_REDISPORT",
                summary: "Redis port (ignored when a Redis URL is set)",
                expectation: "an integer from 1 to 65535", kind: .integer(\.redisPort, allowed: [1...65535])),
            SettingDefinition(
                fileKey: "redisUrl", flag: "redis-url", environmentName: "RS_REDISURL",
                summary: "Redis URL; overrides the Redis host and port",
                expectation: "redis://[user:password@]host[:port][/db] or unix:///path[?db=N]",
                kind: .optionalText(\.redisURL, .redisURL), disclosure: .withoutUserInfo),
            SettingDefinition(
                fileKey: "redisUsername", flag: "redis-username", environmentName: "RS_REDIS_USERNAME",
                summary: "Redis ACL user for AUTH (needs redisPassword; not with a Redis URL, which carries its own)",
                expectation: "1 to 128 characters without whitespace", kind: .optionalText(\.redisUsername, .redisUsername)),
            SettingDefinition(
                fileKey: "redisPassword", flag: "redis-password", environmentName: "RS_REDIS_PASSWORD",
                summary: "Password of Redis (AUTH): of redisHost, or of the master the sentinels name (not with a Redis URL)",
                expectation: "a non-empty password", kind: .optionalText(\.redisPassword, .password), disclosure: .hidden),
            SettingDefinition(
                fileKey: "redisDb", flag: "redis-db", environmentName: "RS_REDIS_DB",
                summary: "Redis database number (SELECT), of redisHost or of the sentinels' master (not with a Redis URL)",
                expectation: "an integer from 0 to 999999999", kind: .integer(\.redisDatabase, allowed: [0...999_999_999])),
            SettingDefinition(
                fileKey: "redisTimeoutMs", flag: "redis-timeout-ms", environmentName: "RS_REDIS_TIMEOUT_MS",
                summary: "Deadline of one Redis command, in milliseconds",
                expectation: "an integer from 10 to 60000", kind: .integer(\.redisTimeoutMilliseconds, allowed: [10...60000])),
            SettingDefinition(
                fileKey: "namespace", flag: "namespace", environmentName: "RS_NAMESPACE",
                summary: "Prefix of every Redis key",
                expectation: "1 to 64 characters without ':' or whitespace", kind: .text(\.namespace, .namespace)),
            SettingDefinition(
                fileKey: "wipe", flag: "wipe", environmentName: "RS_WIPE",
                summary: "Seconds between two wipes of expired sessions",
                expectation: "0 (off) or an integer from 10 to 86400", kind: .integer(\.wipe, allowed: [0...0, 10...86400])),
            SettingDefinition(
                fileKey: "cacheTime", flag: "cache-time", environmentName: "RS_CACHETIME",
                summary: "Seconds a session may be served from the local cache",
                expectation: "0 (off) or an integer from 1 to 86400", kind: .integer(\.cacheTime, allowed: [0...86400])),
            SettingDefinition(
                fileKey: "cacheMax", flag: "cache-max", environmentName: "RS_CACHEMAX",
                summary: "Most sessions held in the local cache",
                expectation: "an integer from 1 to 1000000", kind: .integer(\.cacheMax, allowed: [1...1_000_000])),
            SettingDefinition(
                fileKey: "logLevel", flag: "log-level", environmentName: "RS_LOGLEVEL",
                summary: "Lowest level logged; access lines are info, none silences every log line",
                expectation: LogLevelSetting.allCases.map(\.rawValue).joined(separator: ", "), kind: .logLevel),
            SettingDefinition(
                fileKey: "maxHeaderBytes", flag: "max-header-bytes", environmentName: "RS_MAX_HEADER_BYTES",
                summary: "Most bytes of a request line and headers (431 above)",
                expectation: "an integer from 1024 to 1048576", kind: .integer(\.maxHeaderBytes, allowed: [1024...1_048_576])),
            SettingDefinition(
                fileKey: "maxBodyBytes", flag: "max-body-bytes", environmentName: "RS_MAX_BODY_BYTES",
                summary: "Most bytes of a request body (413 above)",
                expectation: "an integer from 1024 to 16777216", kind: .integer(\.maxBodyBytes, allowed: [1024...16_777_216])),
            SettingDefinition(
                fileKey: "maxConnections", flag: "max-connections", environmentName: "RS_MAX_CONNECTIONS",
                summary: "Most open client connections",
                expectation: "an integer from 1 to 1000000", kind: .integer(\.maxConnections, allowed: [1...1_000_000])),
            SettingDefinition(
                fileKey: "threads", flag: "threads", environmentName: "RS_THREADS",
                summary: "Event-loop threads serving both HTTP and Redis (0: one per usable processor but one, at least one)",
                expectation: "an integer from 0 to 256", kind: .integer(\.threads, allowed: [0...256])),
            SettingDefinition(
                fileKey: "busyPollUs", flag: "busy-poll-us", environmentName: "RS_BUSY_POLL_US",
                summary: "Microseconds an event loop busy at least half the time polls for work before it sleeps (0: sleeps at once)",
                expectation: "an integer from 0 to 10000", kind: .integer(\.busyPollMicroseconds, allowed: [0...10_000])),
            SettingDefinition(
                fileKey: "headerTimeout", flag: "header-timeout", environmentName: "RS_HEADER_TIMEOUT",
                summary: "Seconds a client has to send a request's headers, and again its body (408 after)",
                expectation: "an integer from 1 to 600", kind: .integer(\.headerTimeout, allowed: [1...600])),
            SettingDefinition(
                fileKey: "idleTimeout", flag: "idle-timeout", environmentName: "RS_IDLE_TIMEOUT",
                summary: "Seconds an idle keep-alive connection stays open",
                expectation: "an integer from 1 to 3600", kind: .integer(\.idleTimeout, allowed: [1...3600])),
            SettingDefinition(
                fileKey: "shutdownTimeout", flag: "shutdown-timeout", environmentName: "RS_SHUTDOWN_TIMEOUT",
                summary: "Seconds in-flight requests get to finish on SIGTERM/SIGINT/SIGHUP",
                expectation: "an integer from 0 to 600", kind: .integer(\.shutdownTimeout, allowed: [0...600])),
            SettingDefinition(
                fileKey: "authCookie", flag: "auth-cookie", environmentName: "RS_AUTH_COOKIE",
                summary: "Cookie holding the session token for GET /:app/auth when the request names none (?cookie=)",
                expectation: "a cookie name (1 to 64 letters, digits or !#$%&'*+-.^_`|~)", kind: .optionalText(\.authCookie, .cookieName)),
            SettingDefinition(
                fileKey: "apiKeys", flag: "api-keys", environmentName: "RS_API_KEYS",
                summary: "API keys, comma-separated: KEY opens every app, KEY:app1:app2 only those; X-Api-Key then required",
                expectation: "entries KEY or KEY:app1:app2 separated by commas, a key 16 to 256 visible ASCII characters without ',', ':' or '#'",
                kind: .optionalText(\.apiKeys, .apiKeyList), disclosure: .hidden),
            SettingDefinition(
                fileKey: "apiKeysFile", flag: "api-keys-file", environmentName: "RS_API_KEYS_FILE",
                summary: "File of API key entries, one per line (blank lines and # comments allowed), in addition to apiKeys",
                expectation: "a readable file of KEY or KEY:app1:app2 lines", kind: .optionalText(\.apiKeysFile, .apiKeysFile)),
            SettingDefinition(
                fileKey: "sentinels", flag: "sentinels", environmentName: "RS_SENTINELS",
                summary: "Redis Sentinel addresses; the master comes from them (needs sentinelMaster; not with a Redis URL)",
                expectation: "host:port,host:port,... (1 to 16 sentinels; an IPv6 host in brackets)",
                kind: .optionalText(\.sentinels, .sentinelList)),
            SettingDefinition(
                fileKey: "sentinelMaster", flag: "sentinel-master", environmentName: "RS_SENTINEL_MASTER",
                summary: "Name of the master the sentinels monitor",
                expectation: "1 to 128 characters without whitespace", kind: .optionalText(\.sentinelMaster, .sentinelMasterName)),
            SettingDefinition(
                fileKey: "sentinelPassword", flag: "sentinel-password", environmentName: "RS_SENTINEL_PASSWORD",
                summary: "Password of the sentinels themselves (AUTH), not of the master",
                expectation: "a non-empty password", kind: .optionalText(\.sentinelPassword, .password), disclosure: .hidden),
            SettingDefinition(
                fileKey: "waitReplicas", flag: "wait-replicas", environmentName: "RS_WAIT_REPLICAS",
                summary: "Replicas that must acknowledge each create, set, rotate and kill before it answers (WAIT; 0: none)",
                expectation: "an integer from 0 to 100", kind: .integer(\.waitReplicas, allowed: [0...100])),
            SettingDefinition(
                fileKey: "waitTimeoutMs", flag: "wait-timeout-ms", environmentName: "RS_WAIT_TIMEOUT_MS",
                summary: "Milliseconds to wait for those acknowledgements (503 replicationTimeout after)",
                expectation: "an integer from 1 to 60000", kind: .integer(\.waitTimeoutMilliseconds, allowed: [1...60000])),
        ]
    }

    /// Help text of the setting's flag: what it does, its environment variable, default and allowed values.
    var help: String {
        "\(summary) (env \(environmentName); default \(describeValue(in: Settings()) ?? "none"); allowed: \(expectation))"
    }
}

extension SettingDefinition {
    /// The definition whose flag is `flag`; only for the fixed flag names of `RestSessionsCommand`.
    static func named(_ flag: String) -> SettingDefinition {
        guard let definition = all.first(where: { $0.flag == flag }) else {
            preconditionFailure("no setting has the flag --\(flag)")
        }
        return definition
    }
}
