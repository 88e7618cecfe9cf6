extension RedisCommand {
    /// Why the command cannot go through a round-robin pool of pipelined connections, or nil.
    /// Such commands change the state of one connection (its database, protocol, reply mode,
    /// transaction or subscriptions), which would break the replies of every other caller on it.
    var unsupportedReason: String? {
        guard argumentCount > 0 else { return "a command needs at least one argument" }
        let name = argument(at: 0)
        guard name.count <= 12 else { return nil }
        switch String(decoding: name, as: UTF8.self).uppercased() {
        case "SUBSCRIBE", "PSUBSCRIBE", "SSUBSCRIBE", "UNSUBSCRIBE", "PUNSUBSCRIBE", "SUNSUBSCRIBE":
            return "use subscribe(channel:onMessage:) instead of sending pub/sub commands"
        case "MULTI", "EXEC", "DISCARD", "WATCH", "UNWATCH":
            return "transactions do not work over a pool of connections; use evaluate(_:keys:arguments:)"
        case "SELECT", "HELLO", "RESET", "MONITOR", "QUIT", "AUTH":
            return "connection state is set by RedisConfiguration, not by commands"
        case "CLIENT":
            guard argumentCount > 1, argument(at: 1).count == 5,
                  String(decoding: argument(at: 1), as: UTF8.self).uppercased() == "REPLY"
            else { return nil }
            return "CLIENT REPLY would leave callers without replies"
        default:
            return nil
        }
    }
}
