public struct HTTPRequest: Sendable {
    public var method: HTTPMethod
    /// The raw request-target as received.
    public var target: String
    /// Percent-decoded UTF-8 segments, split at `/`, the leading empty one dropped
    /// ("/a/b" → ["a", "b"], "/" → [], "*" → []).
    public var pathSegments: [String]
    public var query: HTTPQuery
    public var version: HTTPVersion
    public var headers: HTTPHeaders
    public var body: [UInt8]

    /// The raw path, before any `?`: made from `target` when asked for (the access log does), so a
    /// request does not carry a second copy of its target.
    public var path: String {
        guard let questionMark = target.utf8.firstIndex(of: UInt8(ascii: "?")) else { return target }
        return String(target[..<questionMark])
    }

    public init(
        method: HTTPMethod, target: String, pathSegments: [String], query: HTTPQuery,
        version: HTTPVersion, headers: HTTPHeaders, body: [UInt8]
    ) {
        self.method = method
        self.target = target
        self.pathSegments = pathSegments
        self.query = query
        self.version = version
        self.headers = headers
        self.body = body
    }
}
