import RedisClient

extension SessionScripts {
    /// ARGV: namespace prefix, app, dt, offset, limit. Reply: session arrays, most recent first: the
    /// live sessions of the window ranked offset + 1 to offset + limit.
    static let sessionsOfAppPage = script(#"""
        -- offset counts live sessions, yet the page is read with one ZREVRANGEBYSCORE ... LIMIT: the
        -- entries of sessions that ended unwiped are few (see ended_since), so their ranks tell where
        -- in the index the page starts, and the read takes that many extra entries at most.
        local app, offset, limit = ARGV[2], tonumber(ARGV[4]), tonumber(ARGV[5])
        local since = now - tonumber(ARGV[3])
        local sessions_key = ns .. app .. ':_sessions'
        local ranks = {}
        for i, entry in ipairs(ended_since(app, since)) do ranks[i] = redis.call('ZREVRANK', sessions_key, entry) end
        table.sort(ranks)
        local position = offset
        for _, rank in ipairs(ranks) do
          if rank > position then break end
          position = position + 1
        end
        local sessions = {}
        for _, entry in ipairs(redis.call('ZREVRANGEBYSCORE', sessions_key, '+inf', since, 'LIMIT', position, limit + #ranks)) do
          if #sessions == limit then break end
          local token = split_first(entry)
          local s = token and read_session(app, token)
          if s and not s.expired then sessions[#sessions + 1] = session_reply(s) end
        end
        return sessions
        """#)
}
