import RedisClient

extension SessionScripts {
    /// ARGV: namespace prefix, app, dt. Reply: distinct ids active in the last dt seconds.
    static let activity = script(#"""
        return redis.call('ZCOUNT', ns .. ARGV[2] .. ':_users', now - tonumber(ARGV[3]), '+inf')
        """#)
}
