extension HTTPServerConfiguration.Address: CustomStringConvertible {
    /// As a log line or an operator writes it: `127.0.0.1:3000`, `[::1]:3000`, `unix:/run/rs.sock`.
    public var description: String {
        switch self {
        case .tcp(let host, let port): host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        case .unix(let path): "unix:\(path)"
        }
    }
}
