import RedisClient

extension SessionScripts {
    /// ARGV: namespace prefix, app, dt. Reply: session arrays, most recent first.
    static let sessionsOfApp = RedisScript(library + #"""
        local app = ARGV[2]
        local members = redis.call('ZREVRANGEBYSCORE', ns .. app .. ':_sessions', '+inf', now - tonumber(ARGV[3]))
        local sessions = {}
        for _, member in ipairs(members) do
          local token = split_first(member)
          local s = token and read_session(app, token)
          if s and not s.expired then sessions[#sessions + 1] = session_reply(s) end
        end
        return sessions
        """#)
}
