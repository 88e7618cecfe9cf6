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

    /// The raw path with the route's token part, and every other part shaped like a token (64 letters
    /// and digits: a token where an app belongs, `/TOKEN/get/TOKEN`, or in a path no route knows),
    /// replaced by its tag. An id of that shape is hidden too: nothing tells it from a misplaced token.
    static func loggedPath(_ rawPath: String, tokenPart: Int?) -> String {
        // Most paths have nothing to hide: one pass over the bytes, no parts made.
        guard tokenPart != nil || hasTokenShapedPart(rawPath) else { return rawPath }
        var parts = rawPath.split(separator: "/", omittingEmptySubsequences: false)
        var replaced = false
        for index in parts.indices where index == tokenPart || isTokenShaped(parts[index]) {
            parts[index] = Substring(tag(of: parts[index]))
            replaced = true
        }
        return replaced ? parts.joined(separator: "/") : rawPath
    }

    private static func isTokenShaped(_ part: Substring) -> Bool {
        part.utf8.count == 64 && part.utf8.allSatisfy(isTokenByte)
    }

    private static func hasTokenShapedPart(_ path: String) -> Bool {
        var run = 0
        for byte in path.utf8 {
            if byte == UInt8(ascii: "/") {
                if run == 64 { return true }
                run = 0
            } else {
                run = isTokenByte(byte) && run >= 0 ? run + 1 : -1
            }
        }
        return run == 64
    }

    private static func isTokenByte(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte | 0x20)
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
