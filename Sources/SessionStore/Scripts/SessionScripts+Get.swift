import RedisClient

extension SessionScripts {
    /// ARGV: namespace prefix, app, token, touch ('1' counts the read and slides the expiry, '0' only
    /// reads). Reply: session array (r before this read) or nil.
    static let get = script(#"""
        local app, token = ARGV[2], ARGV[3]
        local s = read_session(app, token)
        if not s or s.expired then return nil end
        local reply = session_reply(s)
        if ARGV[4] == '1' then touch(app, token, s, {'r', s.r + 1}) end
        return reply
        """#)
}
