public struct HTTPServerConfiguration: Sendable, Hashable {
    public enum Address: Sendable, Hashable {
        /// `host` is a numeric IPv4/IPv6 address or a name resolved once at start; port 0 = ephemeral.
        case tcp(host: String, port: Int)
        case unix(path: String)
    }

    public var addresses: [Address] = [.tcp(host: "127.0.0.1", port: 3000)]
    public var limits: HTTPServerLimits = HTTPServerLimits()
    /// Serial queues the connections are spread over; 0 = one per active processor.
    public var workerCount: Int = 0
    /// Runs the workers on Dispatch's width-limited user-initiated pool (one thread per core)
    /// instead of a thread each: fewer thread switches per request where the process is that pool's
    /// only heavy user (the service, whose Redis connections sit there too), but any long task on
    /// the pool delays every connection, so it is off by default.
    public var usesSharedThreadPool = false

    public init() {}
}
