import RedisClient

/// How the store calls a script: a plain one with an EVALSHA of its own, a batched one as one call
/// among those made in the same pass (RedisBatchedScript).
protocol StoreScript: Sendable {
    func call(on redis: RedisClient, _ arguments: [String],
              completion: @escaping @Sendable (Result<RedisReply, RedisError>) -> Void)
    /// The call, then `next` right behind it on the same connection.
    func call(on redis: RedisClient, _ arguments: [String], followedBy next: RedisCommand,
              completion: @escaping @Sendable (Result<(script: RedisReply, next: RedisReply), RedisError>) -> Void)
}

extension RedisScript: StoreScript {
    func call(on redis: RedisClient, _ arguments: [String],
              completion: @escaping @Sendable (Result<RedisReply, RedisError>) -> Void) {
        redis.evaluate(self, keys: [], arguments: arguments, completion: completion)
    }

    func call(on redis: RedisClient, _ arguments: [String], followedBy next: RedisCommand,
              completion: @escaping @Sendable (Result<(script: RedisReply, next: RedisReply), RedisError>) -> Void) {
        redis.evaluate(self, keys: [], arguments: arguments, followedBy: next, completion: completion)
    }
}

extension RedisBatchedScript: StoreScript {
    func call(on redis: RedisClient, _ arguments: [String],
              completion: @escaping @Sendable (Result<RedisReply, RedisError>) -> Void) {
        redis.evaluate(self, arguments: arguments, completion: completion)
    }

    func call(on redis: RedisClient, _ arguments: [String], followedBy next: RedisCommand,
              completion: @escaping @Sendable (Result<(script: RedisReply, next: RedisReply), RedisError>) -> Void) {
        redis.evaluate(self, arguments: arguments, followedBy: next, completion: completion)
    }
}
