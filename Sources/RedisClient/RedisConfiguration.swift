/// Where and how to reach Redis, and how the client behaves when it cannot.
public struct RedisConfiguration: Sendable, Hashable {
    public enum Endpoint: Sendable, Hashable {
        case tcp(host: String, port: Int)
        case unix(path: String)
    }

    public var endpoint: Endpoint = .tcp(host: "127.0.0.1", port: 6379)
    /// With a password: `AUTH username password` (Redis 6 ACL); without: no user name is sent.
    public var username: String? = nil
    public var password: String? = nil
    public var database: Int = 0
    /// Deadline of every command, from the moment the client accepts it.
    public var commandTimeout: Duration = .seconds(2)
    /// Deadline of one connect attempt, including AUTH and SELECT.
    public var connectTimeout: Duration = .seconds(2)
    public var minimumReconnectDelay: Duration = .milliseconds(50)
    public var maximumReconnectDelay: Duration = .seconds(2)
    /// Command connections, used round-robin (values below 1 count as 1).
    public var connectionCount: Int = 2
    /// Runs the connections on Dispatch's width-limited user-initiated pool (one thread per core)
    /// instead of a thread each: a caller on that pool (the service's HTTP workers) hands commands
    /// over and gets replies back mostly without waking another thread; but any long task on the
    /// pool delays every command, so it is off by default.
    public var usesSharedThreadPool = false

    public init() {}
}
