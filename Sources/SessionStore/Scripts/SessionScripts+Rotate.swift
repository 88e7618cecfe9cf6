import RedisClient

extension SessionScripts {
    /// ARGV: namespace prefix, app, token, new token. Reply: 1 when the session now lives under the
    /// new token, 0 when the old one was missing or expired (so of concurrent rotations one wins).
    static let rotate = script(#"""
        -- The hash moves whole (id, ip, d, r, w, la, ttl, no_resave, xa); every index entry moves with
        -- its score, so the deadlines and the activity order stay as they were. _users is keyed by id
        -- and does not change.
        local app, token, new_token = ARGV[2], ARGV[3], ARGV[4]
        local s = read_session(app, token)
        if not s or s.expired then return 0 end
        if redis.call('RENAMENX', s.key, ns .. app .. ':' .. new_token) == 0 then error('new token already in use') end
        local function move(key, old_member, new_member, fallback_score)
          local score = redis.call('ZSCORE', key, old_member) or fallback_score
          redis.call('ZREM', key, old_member)
          redis.call('ZADD', key, score, new_member)
        end
        move(ns .. app .. ':_sessions', token .. ':' .. s.id, new_token .. ':' .. s.id, s.la)
        move(ns .. 'SESSIONS', app .. ':' .. token .. ':' .. s.id, app .. ':' .. new_token .. ':' .. s.id,
          deadline(s.la, s.ttl, s.xa))
        local user_tokens = ns .. app .. ':us:' .. s.id
        redis.call('SREM', user_tokens, token)
        redis.call('SADD', user_tokens, new_token)
        redis.call('PUBLISH', ns .. 'cache', app .. ':' .. token)
        return 1
        """#)
}
