import RedisClient

extension SessionScripts {
    /// ARGV: namespace prefix, batch size. Reply: [entries removed, entries examined].
    static let wipeBatch = script(#"""
        -- One batch of members of SESSIONS whose deadline has passed (score < now: a session is valid
        -- while idle <= ttl, i.e. until now == la + ttl). The hash decides: a session still valid there
        -- (e.g. a score written before la moved) only gets its score corrected, which also moves it out
        -- of the range so the caller's loop always makes progress.
        local batch = tonumber(ARGV[2])
        local global_key = ns .. 'SESSIONS'
        local members = redis.call('ZRANGEBYSCORE', global_key, '-inf', '(' .. now, 'LIMIT', 0, batch)
        local removed = 0
        for _, member in ipairs(members) do
          local app, rest = split_first(member)
          local token, id
          if rest then token, id = split_first(rest) end
          if not id then
            redis.call('ZREM', global_key, member)
            removed = removed + 1
          else
            local s = read_session(app, token)
            if s and not s.expired then
              redis.call('ZADD', global_key, deadline(s.la, s.ttl, s.xa), member)
            else
              remove_session(app, token, id)
              removed = removed + 1
            end
          end
        end
        return {removed, #members}
        """#)
}
