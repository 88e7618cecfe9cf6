extension RedisCommand {
    /// Why the command cannot go through a round-robin pool of pipelined connections, or nil.
    /// Such commands change the state of one connection (its database, protocol, reply mode,
    /// transaction or subscriptions), which would break the replies of every other caller on it.
    /// Checked on every command, so it compares bytes instead of building strings.
    var unsupportedReason: String? {
        guard argumentCount > 0 else { return "a command needs at least one argument" }
        let name = argument(at: 0)
        for rule in Self.rejectedCommands where Self.equalsIgnoringASCIICase(name, rule.name) {
            return rule.reason
        }
        if Self.equalsIgnoringASCIICase(name, Self.client), argumentCount > 1,
           Self.equalsIgnoringASCIICase(argument(at: 1), Self.reply) {
            return "CLIENT REPLY would leave callers without replies"
        }
        return nil
    }

    private static let rejectedCommands: [(name: [UInt8], reason: String)] = {
        let subscriptions = "use subscribe(channel:onMessage:) instead of sending pub/sub commands"
        let transactions = "transactions do not work over a pool of connections; use evaluate(_:keys:arguments:)"
        let connectionState = "connection state is set by RedisConfiguration, not by commands"
        return [
            ("SUBSCRIBE", subscriptions), ("PSUBSCRIBE", subscriptions), ("SSUBSCRIBE", subscriptions),
            ("UNSUBSCRIBE", subscriptions), ("PUNSUBSCRIBE", subscriptions), ("SUNSUBSCRIBE", subscriptions),
            ("MULTI", transactions), ("EXEC", transactions), ("DISCARD", transactions),
            ("WATCH", transactions), ("UNWATCH", transactions),
            ("SELECT", connectionState), ("HELLO", connectionState), ("RESET", connectionState),
            ("MONITOR", connectionState), ("QUIT", connectionState), ("AUTH", connectionState),
        ].map { (Array($0.0.utf8), $0.1) }
    }()

    private static let client = Array("CLIENT".utf8)
    private static let reply = Array("REPLY".utf8)

    /// `uppercase` must be upper-case ASCII.
    private static func equalsIgnoringASCIICase(_ bytes: ArraySlice<UInt8>, _ uppercase: [UInt8]) -> Bool {
        guard bytes.count == uppercase.count else { return false }
        return zip(bytes, uppercase).allSatisfy { byte, upper in
            byte == upper || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z") && byte - 32 == upper)
        }
    }
}
