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

    /// The raw path with the token part (if the route has one) replaced by its tag. A path no route
    /// knows has every part shaped like a token (64 letters and digits) replaced: nothing says
    /// which part a client meant as one (`/app/gett/TOKEN`).
    static func loggedPath(_ rawPath: String, tokenPart: Int?, isKnownRoute: Bool = true) -> String {
        var parts = rawPath.split(separator: "/", omittingEmptySubsequences: false)
        if let tokenPart {
            guard parts.indices.contains(tokenPart) else { return rawPath }
            parts[tokenPart] = Substring(tag(of: parts[tokenPart]))
        } else if !isKnownRoute {
            let tokenShaped = parts.indices.filter { isTokenShaped(parts[$0]) }
            guard !tokenShaped.isEmpty else { return rawPath }
            for index in tokenShaped { parts[index] = Substring(tag(of: parts[index])) }
        } else {
            return rawPath
        }
        return parts.joined(separator: "/")
    }

    private static func isTokenShaped(_ part: Substring) -> Bool {
        part.utf8.count == 64 && part.utf8.allSatisfy { byte in
            (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte | 0x20)
        }
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
