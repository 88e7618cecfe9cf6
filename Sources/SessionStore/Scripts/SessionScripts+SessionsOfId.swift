import RedisClient

extension SessionScripts {
    /// ARGV: namespace prefix, app, id. Reply: session arrays of the id (read-only).
    static let sessionsOfId = RedisScript(library + #"""
        local app, id = ARGV[2], ARGV[3]
        local sessions = {}
        for _, token in ipairs(redis.call('SMEMBERS', ns .. app .. ':us:' .. id)) do
          local s = read_session(app, token)
          if s and not s.expired then sessions[#sessions + 1] = session_reply(s) end
        end
        return sessions
        """#)
}
