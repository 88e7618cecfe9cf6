/// The answer of create, and of rotate (which never evicts).
public struct CreatedSession: Sendable, Hashable {
    /// 64 characters of [A-Za-z0-9].
    public var token: String
    /// Sessions of the same id that create ended to honour max_sessions; nil when create had no max_sessions.
    public var evicted: Int?

    public init(token: String, evicted: Int? = nil) {
        self.token = token
        self.evicted = evicted
    }
}
