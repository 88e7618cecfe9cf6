import RedisClient

extension SessionScripts {
    /// Batched (see `batched`): per set app, token, then (key JSON text, value JSON text or "" to
    /// delete) pairs. Reply per set: session array with the new w, or nil.
    static let set = batched(function: "set", #"""
        -- The d merge happens here, on the stored JSON text, so concurrent sets of different keys cannot
        -- lose each other's updates. cjson is not used: it would reorder keys and reformat numbers.
        -- The updates are pairs (key as a JSON string literal, value as JSON text or '' to delete). Both
        -- this service and Node's JSON.stringify write keys canonically, so equal key texts are equal keys.
        local function corrupt() error('stored d is not a flat JSON object') end
        local function skip_space(text, pos) return string.find(text, '[^ \t\r\n]', pos) or (#text + 1) end
        local function string_end(text, pos)
          local i = pos + 1
          while true do
            local q = string.find(text, '["\\]', i)
            if not q then corrupt() end
            if string.byte(text, q) == 34 then return q end
            i = q + 2
          end
        end
        -- Nested values (written by other clients) are carried over whole.
        local function value_end(text, pos)
          local c = string.byte(text, pos)
          if c == 34 then return string_end(text, pos) end
          if c == 123 or c == 91 then
            local depth, i = 0, pos
            while true do
              local j = string.find(text, '[][{}"]', i)
              if not j then corrupt() end
              local ch = string.byte(text, j)
              if ch == 34 then
                i = string_end(text, j) + 1
              else
                if ch == 123 or ch == 91 then depth = depth + 1 else depth = depth - 1 end
                if depth == 0 then return j end
                i = j + 1
              end
            end
          end
          local j = string.find(text, '[,}%s]', pos)
          if not j or j == pos then corrupt() end
          return j - 1
        end

        -- The member of the stored object at pos (its key): key and value texts, and where the next
        -- member starts (nil after the last). A key without escapes takes one pattern match, a string
        -- value without escapes one more, a bare value (number, true, false, null) two (redis-benchmark:
        -- Redis CPU per set 13.3 -> 12.2 µs with two such members); the rest goes through the scanner above.
        local function next_member(text, pos)
          local key, value_start = string.match(text, '^("[^"\\]*")[ \t\r\n]*:[ \t\r\n]*()', pos)
          if not key then
            if string.byte(text, pos) ~= 34 then corrupt() end
            local key_end = string_end(text, pos)
            key = string.sub(text, pos, key_end)
            pos = skip_space(text, key_end + 1)
            if string.byte(text, pos) ~= 58 then corrupt() end
            value_start = skip_space(text, pos + 1)
          end
          local value, separator, following = string.match(text, '^("[^"\\]*")[ \t\r\n]*([,}])[ \t\r\n]*()', value_start)
          if not value then
            value, separator, following = string.match(text, '^([^,}%s"{%[][^,}%s]*)[ \t\r\n]*([,}])[ \t\r\n]*()', value_start)
          end
          if not value then
            local value_last = value_end(text, value_start)
            value = string.sub(text, value_start, value_last)
            pos = skip_space(text, value_last + 1)
            separator = string.sub(text, pos, pos)
            following = skip_space(text, pos + 1)
          end
          if separator == '}' then return key, value, nil end
          if separator ~= ',' then corrupt() end
          return key, value, following
        end

        local function set(first, last)
          local app, token = ARGV[first], ARGV[first + 1]
          local s = read_session(app, token)
          if not s or s.expired then return false end
          local keys, values, positions = {}, {}, {}
          local function put(key, value)
            local n = positions[key]
            if n then
              values[n] = value
            elseif value then
              n = #keys + 1
              keys[n], values[n], positions[key] = key, value, n
            end
          end
          -- An empty d is none, as Node's redis-sessions reads it.
          if s.d and s.d ~= '' then
            local text = s.d
            local pos = skip_space(text, 1)
            if string.byte(text, pos) ~= 123 then corrupt() end
            pos = skip_space(text, pos + 1)
            if string.byte(text, pos) ~= 125 then
              repeat
                local key, value
                key, value, pos = next_member(text, pos)
                put(key, value)
              until not pos
            end
          end
          for i = first + 2, last - 1, 2 do
            put(ARGV[i], ARGV[i + 1] ~= '' and ARGV[i + 1])
          end
          local members = {}
          for n = 1, #keys do
            if values[n] then members[#members + 1] = keys[n] .. ':' .. values[n] end
          end
          s.w = s.w + 1
          if #members > 0 then
            s.d = '{' .. table.concat(members, ',') .. '}'
            touch(app, token, s, {'d', s.d, 'w', s.w})
          else
            s.d = nil
            redis.call('HDEL', s.key, 'd')
            touch(app, token, s, {'w', s.w})
          end
          redis.call('PUBLISH', ns .. 'cache', app .. ':' .. token)
          return session_reply(s)
        end
        """#)
}
