import RedisClient

extension SessionScripts {
    /// ARGV: namespace prefix, app, dt. Reply: live sessions active in the last dt seconds.
    static let count = script(#"""
        -- Counting the window is O(log n); only the sessions that ended in it without being wiped yet
        -- are looked at one by one, and taken off.
        local app = ARGV[2]
        local since = now - tonumber(ARGV[3])
        local indexed = redis.call('ZCOUNT', ns .. app .. ':_sessions', since, '+inf')
        return indexed - #ended_since(app, since)
        """#)
}
