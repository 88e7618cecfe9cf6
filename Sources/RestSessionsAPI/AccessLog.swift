import Logging

/// Access lines `METHOD /app/get/<tag> STATUS DURATIONms` at info, with the request id as metadata
/// (`request-id=...` in the line). Only built when the log level lets info through, so a quiet
/// service pays nothing for them.
struct AccessLog: Sendable {
    let logger: Logger

    /// Keys the token tags: a tag cannot be recomputed from a token outside this process.
    private static let tagKey = UInt64.random(in: .min ... .max)

    func record(method: String, path: String, status: Int, elapsed: Duration, requestID: String) {
        let microseconds = elapsed.components.seconds * 1_000_000 + elapsed.components.attoseconds / 1_000_000_000_000
        let fraction = String(microseconds % 1000)
        let duration = "\(microseconds / 1000).\(String(repeating: "0", count: 3 - fraction.count))\(fraction)ms"
        logger.info("\(method) \(path) \(status) \(duration)", metadata: ["request-id": "\(requestID)"])
    }

    /// The raw path with the token part (if the route has one) replaced by its tag.
    static func loggedPath(_ rawPath: String, tokenPart: Int?) -> String {
        guard let tokenPart else { return rawPath }
        var parts = rawPath.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.indices.contains(tokenPart) else { return rawPath }
        parts[tokenPart] = Substring(tag(of: parts[tokenPart]))
        return parts.joined(separator: "/")
    }

    /// 8 hex digits of a keyed hash: enough to follow one session through the log, never the token.
    static func tag(of token: Substring) -> String {
        var hasher = Hasher()
        hasher.combine(tagKey)
        hasher.combine(token)
        let hash = UInt32(truncatingIfNeeded: UInt64(bitPattern: Int64(hasher.finalize())))
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 8 - hex.count) + hex
    }
}
