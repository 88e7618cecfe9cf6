import RedisClient

/// Redis's clock (TIME, whole seconds): the clock every session script reads. Tests bracket a call
/// with it to know which seconds the script may have seen, however slowly the machine runs.
public struct RedisClock: Sendable {
    public let redis: RedisClient

    public init(_ redis: RedisClient) {
        self.redis = redis
    }

    public struct UnexpectedReply: Error {}

    public func now() async throws -> Int {
        guard let seconds = try await redis.send(RedisCommand("TIME")).array?.first?.string.flatMap({ Int($0) }) else {
            throw UnexpectedReply()
        }
        return seconds
    }

    /// `body`'s value and the range Redis's clock was in meanwhile: what a script computed from
    /// TIME during `body` is bounded by it.
    public func during<Value>(_ body: () async throws -> Value) async throws -> (Value, clock: ClosedRange<Int>) {
        let before = try await now()
        let value = try await body()
        return (value, before...(try await now()))
    }
}
