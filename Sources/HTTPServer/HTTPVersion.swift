public enum HTTPVersion: Sendable, Hashable {
    case http1_0, http1_1
}
