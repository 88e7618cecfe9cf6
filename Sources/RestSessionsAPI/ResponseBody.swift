import JSONText
import SessionStore

/// Compact JSON answers, written straight into a byte buffer in the contract's key order.
enum ResponseBody {
    /// `{"token":"..."}`, with `"evicted":K` after it when create had max_sessions.
    static func token(_ created: CreatedSession) -> [UInt8] {
        var output = Array(#"{"token":"#.utf8)
        JSONWriter.append(string: created.token, to: &output)
        if let evicted = created.evicted {
            appendLiteral(#","evicted":"#, to: &output)
            JSONWriter.append(integer: evicted, to: &output)
        }
        output.append(UInt8(ascii: "}"))
        return output
    }

    /// rotate: the new token, or `{}` when the session was missing or expired, as get answers.
    static func rotated(_ rotated: CreatedSession?) -> [UInt8] {
        rotated.map(token) ?? Array("{}".utf8)
    }

    /// `{"users":["id",...]}`.
    static func users(_ ids: [String]) -> [UInt8] {
        var output = Array(#"{"users":["#.utf8)
        for (position, id) in ids.enumerated() {
            if position > 0 { output.append(UInt8(ascii: ",")) }
            JSONWriter.append(string: id, to: &output)
        }
        appendLiteral("]}", to: &output)
        return output
    }

    /// `{"kill":N}`, `{"activity":N}`, `{"count":N}`.
    static func count(_ count: Int, named name: StaticString) -> [UInt8] {
        var output: [UInt8] = [UInt8(ascii: "{"), UInt8(ascii: "\"")]
        appendLiteral(name, to: &output)
        appendLiteral(#"":"#, to: &output)
        JSONWriter.append(integer: count, to: &output)
        output.append(UInt8(ascii: "}"))
        return output
    }

    /// A missing or expired session is `{}`: clients rely on it.
    static func session(_ session: Session?) -> [UInt8] {
        guard let session else { return Array("{}".utf8) }
        var output: [UInt8] = []
        output.reserveCapacity(96 + (session.data?.utf8.count ?? 0))
        append(session, to: &output)
        return output
    }

    /// `{"sessions":[...]}` (sessions never carry their tokens), written batch by batch as a listing
    /// comes: `sessionsOpening`, `append(sessions:to:)` for each batch, then `closeSessions`.
    static let sessionsOpening = Array(#"{"sessions":["#.utf8)

    static func append(sessions: [Session], to output: inout [UInt8]) {
        for session in sessions {
            if output.last != UInt8(ascii: "[") { output.append(UInt8(ascii: ",")) }
            append(session, to: &output)
        }
    }

    static func closeSessions(_ output: inout [UInt8]) {
        appendLiteral("]}", to: &output)
    }

    static func error(_ error: APIError) -> [UInt8] {
        Self.error(name: error.name, message: error.message)
    }

    static func error(name: String, message: String) -> [UInt8] {
        var output = Array(#"{"name":"#.utf8)
        JSONWriter.append(string: name, to: &output)
        appendLiteral(#","message":"#, to: &output)
        JSONWriter.append(string: message, to: &output)
        output.append(UInt8(ascii: "}"))
        return output
    }

    /// id, r, w, ttl, idle, ip, then no_resave (only when set), then d (only with data, verbatim:
    /// the store keeps it as compact JSON text, so its numbers come back exactly as sent), then
    /// expires_in (only for sessions created with max_age).
    private static func append(_ session: Session, to output: inout [UInt8]) {
        appendLiteral(#"{"id":"#, to: &output)
        JSONWriter.append(string: session.id, to: &output)
        appendLiteral(#","r":"#, to: &output)
        JSONWriter.append(integer: session.reads, to: &output)
        appendLiteral(#","w":"#, to: &output)
        JSONWriter.append(integer: session.writes, to: &output)
        appendLiteral(#","ttl":"#, to: &output)
        JSONWriter.append(integer: session.ttl, to: &output)
        appendLiteral(#","idle":"#, to: &output)
        JSONWriter.append(integer: session.idle, to: &output)
        appendLiteral(#","ip":"#, to: &output)
        JSONWriter.append(string: session.ip, to: &output)
        if session.noResave {
            appendLiteral(#","no_resave":true"#, to: &output)
        }
        if let data = session.data {
            appendLiteral(#","d":"#, to: &output)
            JSONWriter.append(verbatim: data, to: &output)
        }
        if let expiresIn = session.expiresIn {
            appendLiteral(#","expires_in":"#, to: &output)
            JSONWriter.append(integer: expiresIn, to: &output)
        }
        output.append(UInt8(ascii: "}"))
    }

    /// Every key and bracket of the answers straight from the binary: a literal's String.UTF8View
    /// appended byte by byte showed in the profile of get.
    private static func appendLiteral(_ text: StaticString, to output: inout [UInt8]) {
        output.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }
}
