/// A Lua script, run with EVALSHA by its SHA-1 (falling back to EVAL when Redis does not know it).
public struct RedisScript: Sendable, Hashable {
    public let source: String
    /// Lowercase hex, as SCRIPT LOAD returns it.
    public let sha1: String

    public init(_ source: String) {
        self.source = source
        self.sha1 = SHA1.hexDigest(of: Array(source.utf8))
    }
}
