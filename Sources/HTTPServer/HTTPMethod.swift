/// The methods the service answers; any other syntactically valid method gets 501 Not Implemented.
public enum HTTPMethod: String, Sendable, Hashable, CaseIterable {
    case GET, HEAD, PUT, POST, DELETE, OPTIONS
}
