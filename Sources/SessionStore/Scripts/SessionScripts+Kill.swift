import RedisClient

extension SessionScripts {
    /// ARGV: namespace prefix, app, token. Reply: 1 if a live session ended, else 0.
    static let kill = script(#"""
        local app, token = ARGV[2], ARGV[3]
        local s = read_session(app, token)
        if not s then return 0 end
        remove_session(app, token, s.id)
        if s.expired then return 0 end
        return 1
        """#)
}
