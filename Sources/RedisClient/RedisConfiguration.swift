/// Where and how to reach Redis, and how the client behaves when it cannot.
public struct RedisConfiguration: Sendable, Hashable {
    public enum Endpoint: Sendable, Hashable {
        case tcp(host: String, port: Int)
        case unix(path: String)
    }

    public var endpoint: Endpoint = .tcp(host: "127.0.0.1", port: 6379)
    /// When set, the master is wherever the sentinels say (asked again on every reconnect, and at
    /// once on a failover), and `endpoint` is not used.
    public var sentinel: SentinelConfiguration? = nil
    /// With a password: `AUTH username password` (Redis 6 ACL); without: no user name is sent.
    public var username: String? = nil
    public var password: String? = nil
    public var database: Int = 0
    /// Deadline of every command, from the moment the client accepts it.
    public var commandTimeout: Duration = .seconds(2)
    /// Deadline of one connect attempt, including AUTH and SELECT.
    public var connectTimeout: Duration = .seconds(2)
    public var minimumReconnectDelay: Duration = .milliseconds(50)
    /// Small enough that service is back within about half a second of Redis being back.
    public var maximumReconnectDelay: Duration = .milliseconds(500)
    /// Command connections, spread over the client's event loops; 0 or less: one per loop.
    public var connectionCount: Int = 0
    /// Connections reserved for `send(sequence:)` and `evaluate(_:keys:arguments:followedBy:)`,
    /// whose commands may block in Redis (`WAIT`): a blocked connection holds up every command
    /// pipelined behind it, so plain commands never share these. 0: sequences use the command
    /// connections.
    public var blockingConnectionCount: Int = 0
    /// How much longer than `commandTimeout` a command on the blocking connections may take (the
    /// timeout of the `WAIT` it carries).
    public var blockingCommandExtraTime: Duration = .zero

    public init() {}
}
