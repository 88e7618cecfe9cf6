import RedisClient

extension SessionScripts {
    /// ARGV: namespace prefix, app, id, offset, limit. Reply: session arrays of the id, most recently
    /// active first, ranked offset + 1 to offset + limit (read-only).
    static let sessionsOfIdPage = script(#"""
        local app, id, offset, limit = ARGV[2], ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5])
        local live = live_sessions_by_activity(app, id)
        local sessions = {}
        for i = #live - offset, math.max(#live - offset - limit + 1, 1), -1 do
          sessions[#sessions + 1] = session_reply(live[i].s)
        end
        return sessions
        """#)
}
