/// The Lua scripts, one per operation, each run with EVALSHA so every operation is one atomic
/// round trip. They are Swift constants rather than resource files so the binary needs no bundle.
/// Every script reads the clock with TIME so app servers with skewed clocks agree.
enum SessionScripts {
    /// The shared prelude of every script: the clock, the namespace prefix (ARGV[1]), and the
    /// helpers that read, refresh and remove a session on the redis-sessions layout.
    static let library = #"""
        -- Scripts that read TIME and then write must replicate their effects, not their source
        -- (implicit on Redis 7, where the call is deprecated: hence pcall).
        pcall(redis.replicate_commands)
        local now = tonumber(redis.call('TIME')[1])
        local ns = ARGV[1]

        -- The hash of one session, or nil when there is none. A session whose la or ttl is unreadable
        -- counts as expired so that kill and the wipe can still remove it.
        local function read_session(app, token)
          local key = ns .. app .. ':' .. token
          local f = redis.call('HMGET', key, 'id', 'r', 'w', 'ttl', 'd', 'la', 'ip', 'no_resave')
          if not f[1] then return nil end
          local la, ttl = tonumber(f[6]), tonumber(f[4])
          local s = {key = key, id = f[1], r = tonumber(f[2]) or 0, w = tonumber(f[3]) or 0, ttl = ttl or 0,
            d = f[5], la = la or 0, ip = f[7] or '', no_resave = f[8] == '1'}
          s.idle = now - s.la
          s.expired = not la or not ttl or s.ttl < s.idle
          return s
        end

        -- The reply decoded by SessionReplyDecoder: a no_resave session reports what remains of its ttl.
        local function session_reply(s)
          local ttl = s.ttl
          if s.no_resave then ttl = s.ttl - s.idle end
          return {s.id, s.r, s.w, ttl, s.idle, s.ip, s.no_resave and 1 or 0, s.d or false}
        end

        -- Activity on get and set. A no_resave session keeps its deadline la + ttl: its ttl becomes
        -- what remains only together with la moving to now (the reference rewrites ttl alone at idle 1).
        local function touch(app, token, s)
          local remaining = s.ttl
          if s.no_resave then remaining = s.ttl - s.idle end
          redis.call('ZADD', ns .. app .. ':_sessions', now, token .. ':' .. s.id)
          redis.call('ZADD', ns .. app .. ':_users', now, s.id)
          redis.call('ZADD', ns .. 'SESSIONS', now + remaining, app .. ':' .. token .. ':' .. s.id)
          if s.idle > 1 then
            if s.no_resave then
              redis.call('HSET', s.key, 'la', now, 'ttl', remaining)
            else
              redis.call('HSET', s.key, 'la', now)
            end
          end
        end

        -- Every trace of one session, whatever state its hash is in, and the cache invalidation.
        local function remove_session(app, token, id)
          local user_tokens = ns .. app .. ':us:' .. id
          redis.call('ZREM', ns .. app .. ':_sessions', token .. ':' .. id)
          redis.call('SREM', user_tokens, token)
          redis.call('ZREM', ns .. 'SESSIONS', app .. ':' .. token .. ':' .. id)
          redis.call('DEL', ns .. app .. ':' .. token)
          if redis.call('EXISTS', user_tokens) == 0 then
            redis.call('ZREM', ns .. app .. ':_users', id)
          end
          redis.call('PUBLISH', ns .. 'cache', app .. ':' .. token)
        end

        -- Ids may contain ':', apps and tokens never do: split at the first ':' only.
        local function split_first(text)
          local colon = string.find(text, ':', 1, true)
          if not colon then return nil end
          return string.sub(text, 1, colon - 1), string.sub(text, colon + 1)
        end

        """#
}
