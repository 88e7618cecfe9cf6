public struct CreatedSession: Sendable, Hashable {
    /// 64 characters of [A-Za-z0-9].
    public var token: String

    public init(token: String) {
        self.token = token
    }
}
