import RedisClient

extension SessionScripts {
    /// ARGV: namespace prefix, app, batch size. Reply: [live sessions ended, entries processed].
    static let killAllBatch = script(#"""
        -- One batch; the caller repeats until nothing is processed. Index entries left without a
        -- hash (by the reference's non-atomic writes) are removed too.
        local app, batch = ARGV[2], tonumber(ARGV[3])
        local ended, processed = 0, 0
        local function end_session(token, id)
          local s = read_session(app, token)
          if s and not s.expired then ended = ended + 1 end
          remove_session(app, token, id)
        end
        local sessions_key = ns .. app .. ':_sessions'
        for _, member in ipairs(redis.call('ZRANGE', sessions_key, 0, batch - 1)) do
          local token, id = split_first(member)
          if token then end_session(token, id) else redis.call('ZREM', sessions_key, member) end
          processed = processed + 1
        end
        if processed < batch then
          local users_key = ns .. app .. ':_users'
          for _, id in ipairs(redis.call('ZRANGE', users_key, 0, batch - processed - 1)) do
            local user_tokens = ns .. app .. ':us:' .. id
            for _, token in ipairs(redis.call('SMEMBERS', user_tokens)) do end_session(token, id) end
            redis.call('DEL', user_tokens)
            redis.call('ZREM', users_key, id)
            processed = processed + 1
          end
        end
        return {ended, processed}
        """#)
}
