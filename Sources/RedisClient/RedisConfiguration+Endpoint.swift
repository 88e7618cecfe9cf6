extension RedisConfiguration.Endpoint: CustomStringConvertible {
    /// As log lines name it: `127.0.0.1:6379`, `[::1]:6379`, `unix:/run/redis.sock`.
    public var description: String {
        switch self {
        case .tcp(let host, let port): host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        case .unix(let path): "unix:\(path)"
        }
    }
}
