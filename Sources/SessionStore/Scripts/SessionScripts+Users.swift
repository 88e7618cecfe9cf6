import RedisClient

extension SessionScripts {
    /// ARGV: namespace prefix, app, dt, offset, limit (-1: all). Reply: the ids active in the last dt
    /// seconds, most recently active first: the ids activity counts.
    static let users = script(#"""
        return redis.call('ZREVRANGEBYSCORE', ns .. ARGV[2] .. ':_users', '+inf', now - tonumber(ARGV[3]),
          'LIMIT', tonumber(ARGV[4]), tonumber(ARGV[5]))
        """#)
}
