import RedisClient

extension SessionScripts {
    /// ARGV: namespace prefix, app, id. Reply: how many live sessions ended.
    static let killSessionsOfId = script(#"""
        local app, id = ARGV[2], ARGV[3]
        local ended = 0
        for _, token in ipairs(redis.call('SMEMBERS', ns .. app .. ':us:' .. id)) do
          local s = read_session(app, token)
          if s and not s.expired then ended = ended + 1 end
          remove_session(app, token, id)
        end
        return ended
        """#)
}
