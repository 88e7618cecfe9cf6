import RedisClient

extension SessionScripts {
    /// Batched (see `batched`): per create app, token, id, ip, ttl (decimal digits, stored as sent),
    /// max_age ('' for none), max_sessions ('' for none), d (absent when no data). Reply per create:
    /// how many sessions of the id were evicted.
    static let create = batched(function: "create", #"""
        local function create(first, last)
          local app, token, id, ip, ttl_text, max_age_text, max_sessions_text, d = unpack(ARGV, first, last)
          local ttl, max_age, max_sessions = tonumber(ttl_text), tonumber(max_age_text), tonumber(max_sessions_text)
          local evicted = 0
          if max_sessions then
            -- Room for the new session: end the least recently active live sessions of the id, and the
            -- dead ones on the way, uncounted.
            local live = live_sessions_by_activity(app, id, function(dead) remove_session(app, dead, id) end)
            evicted = math.max(#live - max_sessions + 1, 0)
            for i = 1, evicted do remove_session(app, live[i].token, id) end
          end
          local key = ns .. app .. ':' .. token
          local absolute_end = max_age and now + max_age
          redis.call('ZADD', ns .. app .. ':_sessions', now_text, token .. ':' .. id)
          redis.call('ZADD', ns .. app .. ':_users', now_text, id)
          redis.call('ZADD', ns .. 'SESSIONS', deadline(now, ttl, absolute_end), app .. ':' .. token .. ':' .. id)
          redis.call('SADD', ns .. app .. ':us:' .. id, token)
          -- One HSET with xa and d when there are: each redis.call has its fixed cost.
          local fields = {'id', id, 'r', '1', 'w', '1', 'ip', ip, 'la', now_text, 'ttl', ttl_text}
          if absolute_end then fields[#fields + 1] = 'xa'; fields[#fields + 1] = absolute_end end
          if d then fields[#fields + 1] = 'd'; fields[#fields + 1] = d end
          redis.call('HSET', key, unpack(fields))
          return evicted
        end
        """#)
}
