import RedisClient

extension SessionScripts {
    /// One batch of the unpaged soid. ARGV: namespace prefix, app, id, batch size, then the SSCAN
    /// cursor the previous batch answered (absent on the first). Reply: {next cursor, or nil once
    /// the id's set is read; session arrays (read-only)}.
    static let sessionsOfIdBatch = script(#"""
        -- SSCAN, like the reference's SMEMBERS, lists the set unordered; a small set (a listpack) comes
        -- whole in the first batch. Across batches it returns every token present throughout, and may
        -- return one twice only if the set is resized meanwhile (sessions of the id created or ended).
        local app, id, batch = ARGV[2], ARGV[3], tonumber(ARGV[4])
        local scan = redis.call('SSCAN', ns .. app .. ':us:' .. id, ARGV[5] or '0', 'COUNT', batch)
        local sessions = {}
        for _, token in ipairs(scan[2]) do
          local s = read_session(app, token)
          if s and not s.expired then sessions[#sessions + 1] = session_reply(s) end
        end
        if scan[1] == '0' then return {false, sessions} end
        return {{scan[1]}, sessions}
        """#)
}
