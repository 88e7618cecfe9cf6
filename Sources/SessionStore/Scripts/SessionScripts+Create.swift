import RedisClient

extension SessionScripts {
    /// ARGV: namespace prefix, app, token, id, ip, ttl, d (absent when no data).
    static let create = RedisScript(library + #"""
        local app, token, id, ip, ttl, d = ARGV[2], ARGV[3], ARGV[4], ARGV[5], tonumber(ARGV[6]), ARGV[7]
        local key = ns .. app .. ':' .. token
        redis.call('ZADD', ns .. app .. ':_sessions', now, token .. ':' .. id)
        redis.call('ZADD', ns .. app .. ':_users', now, id)
        redis.call('ZADD', ns .. 'SESSIONS', now + ttl, app .. ':' .. token .. ':' .. id)
        redis.call('SADD', ns .. app .. ':us:' .. id, token)
        redis.call('HSET', key, 'id', id, 'r', 1, 'w', 1, 'ip', ip, 'la', now, 'ttl', ttl)
        if d then redis.call('HSET', key, 'd', d) end
        return 1
        """#)
}
