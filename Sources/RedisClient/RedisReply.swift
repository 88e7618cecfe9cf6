/// A reply from Redis, converted from hiredis's reply tree.
public enum RedisReply: Sendable, Hashable {
    case null
    case integer(Int64)
    case bulkString([UInt8])
    case simpleString(String)
    /// Only nested inside arrays (e.g. from EXEC or a script); a top-level error reply is a `RedisError`.
    case error(String)
    case array([RedisReply])
}
