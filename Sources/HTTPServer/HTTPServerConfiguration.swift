public struct HTTPServerConfiguration: Sendable, Hashable {
    public enum Address: Sendable, Hashable {
        /// `host` is a numeric IPv4/IPv6 address or a name resolved once at start; port 0 = ephemeral.
        case tcp(host: String, port: Int)
        case unix(path: String)
    }

    public var addresses: [Address] = [.tcp(host: "127.0.0.1", port: 3000)]
    public var limits: HTTPServerLimits = HTTPServerLimits()

    public init() {}
}
