import RedisClient

extension SessionScripts {
    /// Batched (see `batched`): per get app, token, touch ('1' counts the read and slides the
    /// expiry, '0' only reads). Reply per get: session array (r before this read) or nil.
    static let get = batched(function: "get", argumentsPerCall: 3, #"""
        local function get(first, last)
          local app, token, touches = unpack(ARGV, first, last)
          local s = read_session(app, token)
          if not s or s.expired then return false end
          local reply = session_reply(s)
          if touches == '1' then touch(app, token, s, {'r', s.r + 1}) end
          return reply
        end
        """#)
}
