/// Why a Redis command failed.
public struct RedisError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Code: Sendable, Hashable {
        case notConnected
        case timedOut
        case connectionLost
        case tooManyPendingCommands
        case notServing
        case refused
        case reply
        case unsupportedCommand
    }

    private let code: Code
    public let message: String

    private init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// Redis is away (or the client is closed): the command failed fast and was never sent.
    public static var notConnected: RedisError { RedisError(.notConnected, "not connected to Redis") }
    /// No reply arrived within the command deadline; a late reply is ignored.
    public static var timedOut: RedisError { RedisError(.timedOut, "Redis did not answer within the command timeout") }
    /// The connection dropped (or the client was closed) while the command was in flight.
    public static var connectionLost: RedisError { RedisError(.connectionLost, "the connection to Redis was lost") }
    /// The connection already holds its maximum of unanswered commands (Redis is stalling): failed fast.
    public static var tooManyPendingCommands: RedisError {
        RedisError(.tooManyPendingCommands, "too many commands are waiting for Redis")
    }
    /// Redis answered that it cannot serve the command now: `LOADING` its data set, `READONLY` (a
    /// replica, e.g. a master just demoted by a failover) or `MASTERDOWN`.
    public static func notServing(_ message: String) -> RedisError { RedisError(.notServing, message) }
    /// Redis refused the command for a reason of its own state: `OOM` (maxmemory reached under
    /// noeviction), `MISCONF` (it cannot persist and stops writes), `BUSY` (a script or module holds
    /// it), `NOREPLICAS` (min-replicas-to-write not met) or `NOAUTH` (it wants a password the service
    /// was not given). Nothing of the command was done.
    public static func refused(_ message: String) -> RedisError { RedisError(.refused, message) }
    /// Redis answered with an error reply.
    public static func reply(_ message: String) -> RedisError { RedisError(.reply, message) }
    /// The command cannot work through this client (empty, or changes per-connection state of a pool).
    public static func unsupportedCommand(_ message: String) -> RedisError { RedisError(.unsupportedCommand, message) }

    /// Redis is unreachable, too slow or overloaded: the API answers 503.
    public var isUnavailable: Bool {
        switch code {
        case .notConnected, .timedOut, .connectionLost, .tooManyPendingCommands, .notServing, .refused: true
        case .reply, .unsupportedCommand: false
        }
    }

    /// True for an error reply from Redis (as opposed to a failure of the client or the connection).
    public var isReply: Bool { code == .reply || code == .notServing || code == .refused }

    /// A refusal (see `refused`): the operator has something to fix on the Redis side.
    public var isRefusal: Bool { code == .refused }

    /// `notServing`: this server is the wrong one or not ready (a replica, loading, its master down).
    var isNotServing: Bool { code == .notServing }

    /// Redis turned the command down for its own state, not for the command (`refused` or
    /// `notServing`): logged by the connection and counted as `refused`.
    var isStateRefusal: Bool { code == .refused || code == .notServing }

    public var description: String {
        switch code {
        case .reply, .notServing, .refused: "Redis replied with an error: \(message)"
        default: message
        }
    }

    var isMissingScript: Bool { code == .reply && message.hasPrefix("NOSCRIPT") }

    /// The error reply `message` as the client reports it: `notServing` for the replies of a
    /// server that cannot serve now, `refused` for those of a server that will not (both make the
    /// API answer 503: the command was not done and can be retried), `reply` otherwise.
    static func fromReply(_ message: String) -> RedisError {
        let reply = withoutScriptLocation(message)
        if ["LOADING ", "READONLY ", "MASTERDOWN "].contains(where: reply.hasPrefix) { return .notServing(message) }
        if ["OOM ", "MISCONF ", "BUSY ", "NOREPLICAS ", "NOAUTH "].contains(where: reply.hasPrefix) { return .refused(message) }
        // An unauthenticated client's command of more than 10 arguments: Redis answers this and
        // closes the connection instead of NOAUTH.
        if reply.hasPrefix("ERR Protocol error: unauthenticated") { return .refused(message) }
        return .reply(message)
    }

    /// Redis before 7 puts the script's location before an error a command raised inside it, and
    /// keeps that error's leading '-': "@user_script: 12: -OOM command not allowed ...". The error
    /// after such a location, or `message` itself.
    static func withoutScriptLocation(_ message: String) -> Substring {
        var rest = message[...]
        if rest.first == "@" { rest = rest.dropFirst() }
        guard rest.hasPrefix("user_script:") else { return message[...] }
        rest = rest.dropFirst("user_script:".count).drop { $0 == " " }
        let line = rest.prefix { $0.isASCII && $0.isNumber }
        guard !line.isEmpty, rest.dropFirst(line.count).hasPrefix(": ") else { return message[...] }
        rest = rest.dropFirst(line.count + 2)
        return rest.first == "-" ? rest.dropFirst() : rest
    }
}
