public struct HTTPRequest: Sendable {
    public var method: HTTPMethod
    /// The raw request-target as received.
    public var target: String
    /// The raw path, before any `?`.
    public var path: String
    /// Percent-decoded UTF-8 segments, split at `/`, the leading empty one dropped
    /// ("/a/b" → ["a", "b"], "/" → [], "*" → []).
    public var pathSegments: [String]
    public var query: HTTPQuery
    public var version: HTTPVersion
    public var headers: HTTPHeaders
    public var body: [UInt8]

    public init(
        method: HTTPMethod, target: String, path: String, pathSegments: [String], query: HTTPQuery,
        version: HTTPVersion, headers: HTTPHeaders, body: [UInt8]
    ) {
        self.method = method
        self.target = target
        self.path = path
        self.pathSegments = pathSegments
        self.query = query
        self.version = version
        self.headers = headers
        self.body = body
    }
}
