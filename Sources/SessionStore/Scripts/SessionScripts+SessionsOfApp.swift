import RedisClient

extension SessionScripts {
    /// One batch of the unpaged soapp. ARGV: namespace prefix, app, dt, batch size, then the cursor
    /// the previous batch answered (absent on the first): the window's start, and the score and
    /// member of the last entry read. Reply: {next cursor, or nil once the window is read; session
    /// arrays, most recent first}.
    static let sessionsOfAppBatch = script(#"""
        -- The walk follows the order ZREVRANGE gives: score descending, equal scores by member
        -- descending (memcmp). It resumes after the cursor's (score, member) by position in that order,
        -- not by offset, so equal scores spanning batches neither repeat nor skip, and sessions touched,
        -- created or ended meanwhile shift nothing. The window's start is fixed by the first batch.
        -- Lua's < on strings follows the server's collation locale, Redis orders members by bytes.
        local function bytes_before(a, b)
          for i = 1, math.min(#a, #b) do
            local x, y = string.byte(a, i), string.byte(b, i)
            if x ~= y then return x < y end
          end
          return #a < #b
        end
        -- The rank of the first entry after (score, member), whether or not that entry is still there:
        -- the entries of that score are bounded by ZCOUNT and bisected by member, O(log² n) in all.
        local function rank_after(key, score, member)
          local first = redis.call('ZCOUNT', key, '(' .. score, '+inf')
          local past = redis.call('ZCOUNT', key, score, '+inf')
          while first < past do
            local middle = math.floor((first + past) / 2)
            if bytes_before(redis.call('ZREVRANGE', key, middle, middle)[1], member) then
              past = middle
            else
              first = middle + 1
            end
          end
          return first
        end

        local app, batch = ARGV[2], tonumber(ARGV[4])
        local sessions_key = ns .. app .. ':_sessions'
        local since, start = now - tonumber(ARGV[3]), 0
        if ARGV[5] then
          since = tonumber(ARGV[5])
          start = rank_after(sessions_key, ARGV[6], ARGV[7])
        end
        local entries = redis.call('ZREVRANGE', sessions_key, start, start + batch - 1, 'WITHSCORES')
        local sessions = {}
        for i = 1, #entries, 2 do
          if tonumber(entries[i + 1]) < since then return {false, sessions} end
          local token = split_first(entries[i])
          local s = token and read_session(app, token)
          if s and not s.expired then sessions[#sessions + 1] = session_reply(s) end
        end
        if #entries < 2 * batch then return {false, sessions} end
        return {{since, entries[#entries], entries[#entries - 1]}, sessions}
        """#)
}
