import RedisClient

/// The Lua scripts, one per operation, each run with EVALSHA so every operation is one atomic
/// round trip. They are Swift constants rather than resource files so the binary needs no bundle.
/// Every script reads the clock with TIME so app servers with skewed clocks agree.
enum SessionScripts {
    /// A script: the prelude, then those helpers that `body` calls (directly or through another
    /// helper), then `body`. A helper left in unused would still be made as a closure on every call:
    /// redis-benchmark measured the get script 0.6 µs (6%) cheaper per call without the four it does
    /// not call.
    static func script(_ body: String) -> RedisScript {
        var calling = body
        var included = [Bool](repeating: false, count: helpers.count)
        // Helpers call only helpers defined before them: one pass from the last finds them all.
        for index in helpers.indices.reversed() where calls(helpers[index].name, in: calling) {
            included[index] = true
            calling += helpers[index].source
        }
        let parts = [prelude] + helpers.indices.filter { included[$0] }.map { helpers[$0].source } + [body]
        return RedisScript(parts.joined(separator: "\n"))
    }

    /// A batched script's Lua and the shape of its calls (see RedisBatchedScript).
    struct Batched {
        let script: RedisScript
        /// nil: calls differ in length, each call's arguments come preceded by their number.
        let argumentsPerCall: Int?
    }

    /// A script for RedisBatchedScript: ARGV is the namespace prefix, then each call's arguments
    /// (preceded by their number unless every call has `argumentsPerCall`). `function` (defined by
    /// `definition`) is called with the positions of the call's first and last argument in ARGV
    /// (not the values: Lua unpacks at most about 8,000 values, and a set may have more) and
    /// answers the call's reply, false for nil. Each call runs under pcall: a call that fails
    /// answers its error alone and the others' effects stand, as if each had been a script of its own.
    static func batched(function: String, argumentsPerCall: Int? = nil, _ definition: String) -> Batched {
        let callEnd = argumentsPerCall.map { "local last = first + \($0 - 1)" }
            ?? "local last = first + tonumber(ARGV[first]); first = first + 1"
        let source = definition + "\n" + #"""
            local replies, first = {}, 2
            while first <= #ARGV do
              \#(callEnd)
              local ok, reply = pcall(\#(function), first, last)
              if not ok then reply = {err = type(reply) == 'table' and reply.err or tostring(reply)} end
              replies[#replies + 1] = reply
              first = last + 1
            end
            return replies
            """#
        return Batched(script: script(source), argumentsPerCall: argumentsPerCall)
    }

    /// Every script, by name: the service preloads them into Redis (see RedisClient.preload).
    static let all: [(name: String, script: RedisScript)] = [
        ("activity", activity), ("count", count), ("create", create.script), ("get", get.script), ("kill", kill),
        ("killAllBatch", killAllBatch), ("killSessionsOfId", killSessionsOfId), ("rotate", rotate),
        ("sessionsOfAppBatch", sessionsOfAppBatch), ("sessionsOfAppPage", sessionsOfAppPage),
        ("sessionsOfIdBatch", sessionsOfIdBatch), ("sessionsOfIdPage", sessionsOfIdPage), ("set", set.script),
        ("users", users), ("wipeBatch", wipeBatch),
    ]

    /// Whether `text` has `name(` not preceded by a letter, digit or underscore.
    static func calls(_ name: String, in text: String) -> Bool {
        var rest = text[...]
        while let call = rest.firstRange(of: name + "(") {
            let before = rest[..<call.lowerBound].unicodeScalars.last
            if let before, before.properties.isAlphabetic || ("0"..."9").contains(before) || before == "_" {
                rest = rest[call.upperBound...]
            } else {
                return true
            }
        }
        return false
    }

    /// Every script's start: the clock and the namespace prefix (ARGV[1]).
    static let prelude = #"""
        -- Scripts that read TIME and then write must replicate their effects, not their source
        -- (implicit on Redis 7, where the call is deprecated: hence pcall).
        pcall(redis.replicate_commands)
        -- Commands take text: passing TIME's own text (and '1' for 1) spares Lua's number-to-text
        -- conversion (sprintf %.14g) per argument, which was a tenth of the create script's time.
        local now_text = redis.call('TIME')[1]
        local now = tonumber(now_text)
        local ns = ARGV[1]
        """#

    /// The helpers that read, refresh and remove a session on the redis-sessions layout, each
    /// calling only those before it.
    static let helpers: [(name: String, source: String)] = [
        ("read_session", #"""
            -- The hash of one session, or nil when there is none. A session whose la, ttl or xa is
            -- unreadable counts as expired so that kill and the wipe can still remove it. xa (ours, absent
            -- in the reference's layout) is the absolute end of a session created with max_age; like
            -- idle <= ttl, the session is valid while now <= xa.
            local function read_session(app, token)
              local key = ns .. app .. ':' .. token
              local f = redis.call('HMGET', key, 'id', 'r', 'w', 'ttl', 'd', 'la', 'ip', 'no_resave', 'xa')
              if not f[1] then return nil end
              local la, ttl, xa = tonumber(f[6]), tonumber(f[4]), tonumber(f[9])
              local s = {key = key, id = f[1], r = tonumber(f[2]) or 0, w = tonumber(f[3]) or 0, ttl = ttl or 0,
                d = f[5], la = la or 0, ip = f[7] or '', no_resave = f[8] == '1', xa = xa}
              s.idle = now - s.la
              s.expired = not la or not ttl or s.ttl < s.idle or (f[9] and (not xa or now > xa)) or false
              return s
            end
            """#),
        ("deadline", #"""
            -- The score of a session in SESSIONS: the end of its idle timer, or its absolute end if earlier.
            local function deadline(la, ttl, xa)
              if xa and xa < la + ttl then return xa end
              return la + ttl
            end
            """#),
        ("session_reply", #"""
            -- The reply decoded by SessionReplyDecoder: a no_resave session reports what remains of its ttl;
            -- expires_in only for sessions with an absolute end.
            local function session_reply(s)
              local ttl = s.ttl
              if s.no_resave then ttl = s.ttl - s.idle end
              return {s.id, s.r, s.w, ttl, s.idle, s.ip, s.no_resave and 1 or 0, s.d or false, s.xa and (s.xa - now) or false}
            end
            """#),
        ("touch", #"""
            -- Activity on get and set, written in one HSET with `fields`, the caller's own changes to the
            -- hash (name, value, ...): each redis.call has its fixed cost (a fake client, the reply
            -- parsed back into Lua). A no_resave session keeps its deadline la + ttl: its ttl becomes
            -- what remains only together with la moving to now (the reference rewrites ttl alone at idle
            -- 1). The deadline in SESSIONS is always the one the hash implies, never past the absolute
            -- end; _users and _sessions get now, which a live session's absolute end is never before. At
            -- idle 0 the session was touched (or made) this very second, and that touch already wrote
            -- la = now and these three scores: writing them again would change nothing, so a session read
            -- many times a second costs its sorted sets nothing more. At idle 1 la stays, so idle stays 1
            -- for the whole second: its _sessions score at now says this second's first touch has written
            -- all three (the deadline cannot have changed, la and ttl being unchanged; a deadline the
            -- Node reference wrote, now + ttl, then stays until a later second's touch), and one ZSCORE
            -- spares the three ZADDs (redis-benchmark, 16 gets per EVALSHA: a get at idle 1 9.25 -> 7.60 µs
            -- of Redis CPU; the benchmark's sessions spend about every other second at idle 1).
            local function touch(app, token, s, fields)
              local la, ttl = s.la, s.ttl
              if s.idle > 1 then
                la = now
                fields[#fields + 1] = 'la'
                fields[#fields + 1] = now_text
                if s.no_resave then
                  ttl = s.ttl - s.idle
                  fields[#fields + 1] = 'ttl'
                  fields[#fields + 1] = ttl
                end
              end
              redis.call('HSET', s.key, unpack(fields))
              if s.idle == 0 then return end
              local member = token .. ':' .. s.id
              if s.idle == 1 and redis.call('ZSCORE', ns .. app .. ':_sessions', member) == now_text then return end
              redis.call('ZADD', ns .. app .. ':_sessions', now_text, member)
              redis.call('ZADD', ns .. app .. ':_users', now_text, s.id)
              redis.call('ZADD', ns .. 'SESSIONS', deadline(la, ttl, s.xa), app .. ':' .. token .. ':' .. s.id)
            end
            """#),
        ("remove_session", #"""
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
            """#),
        ("split_first", #"""
            -- Ids may contain ':', apps and tokens never do: split at the first ':' only.
            local function split_first(text)
              local colon = string.find(text, ':', 1, true)
              if not colon then return nil end
              return string.sub(text, 1, colon - 1), string.sub(text, colon + 1)
            end
            """#),
        ("live_sessions_by_activity", #"""
            -- The live sessions of one id as {token, s, activity}, least recently active first (ties by
            -- token). Activity is what soapp orders by: the score in _sessions (get moves it even at idle
            -- 1), else la. on_ended(token) is called for each of its tokens that is no longer live.
            local function live_sessions_by_activity(app, id, on_ended)
              local live = {}
              for _, token in ipairs(redis.call('SMEMBERS', ns .. app .. ':us:' .. id)) do
                local s = read_session(app, token)
                if s and not s.expired then
                  local activity = tonumber(redis.call('ZSCORE', ns .. app .. ':_sessions', token .. ':' .. id)) or s.la
                  live[#live + 1] = {token = token, s = s, activity = activity}
                elseif on_ended then
                  on_ended(token)
                end
              end
              table.sort(live, function(a, b)
                if a.activity ~= b.activity then return a.activity < b.activity end
                return a.token < b.token
              end)
              return live
            end
            """#),
        ("ended_since", #"""
            -- The members TOKEN:ID of _sessions with a score >= since whose session is no longer live
            -- (expired and awaiting the wipe, or without a hash). Such a session's deadline is in
            -- [since, now): a deadline is never before the last activity, and a live one is >= now. So
            -- this looks only at the sessions of every app that ended in the window and were not wiped.
            local function ended_since(app, since)
              local prefix = app .. ':'
              local ended = {}
              for _, member in ipairs(redis.call('ZRANGEBYSCORE', ns .. 'SESSIONS', since, '(' .. now)) do
                if string.sub(member, 1, #prefix) == prefix then
                  local entry = string.sub(member, #prefix + 1)
                  local score = tonumber(redis.call('ZSCORE', ns .. app .. ':_sessions', entry))
                  if score and score >= since then
                    local token = split_first(entry)
                    local s = token and read_session(app, token)
                    if not s or s.expired then ended[#ended + 1] = entry end
                  end
                end
              end
              return ended
            end

            
            """#),
    ]
}
