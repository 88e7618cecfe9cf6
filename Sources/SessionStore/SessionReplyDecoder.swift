import JSONText
import RedisClient

/// Turns script replies into values directly, without an intermediate representation.
/// A session travels as [id, r, w, ttl, idle, ip, no_resave 0/1, d or nil, expires_in or nil]
/// (see session_reply).
enum SessionReplyDecoder {
    static func session(_ reply: RedisReply) throws(SessionStoreError) -> Session? {
        if case .null = reply { return nil }
        guard case .array(let fields) = reply, fields.count == 9,
              let id = fields[0].string, let reads = fields[1].integer, let writes = fields[2].integer,
              let ttl = fields[3].integer, let idle = fields[4].integer, let ip = fields[5].string,
              let noResave = fields[6].integer
        else { throw unexpected(reply) }
        let data = try optional(fields[7], of: reply, \.string).flatMap { text throws(SessionStoreError) in
            try answeredData(text)
        }
        let expiresIn = try optional(fields[8], of: reply, \.integer)
        return Session(
            id: id, reads: Int(reads), writes: Int(writes), ttl: Int(ttl), idle: Int(idle), ip: ip,
            noResave: noResave == 1, data: data, expiresIn: expiresIn.map { Int($0) }
        )
    }

    /// The stored d as answers carry it: compact JSON object text. An empty d is none, as Node's
    /// redis-sessions reads it; one with white space (another client's writing) is compacted;
    /// anything else no service would write fails the request (500) rather than answer a 200 whose
    /// body is not JSON.
    static func answeredData(_ text: String) throws(SessionStoreError) -> String? {
        if text.isEmpty { return nil }
        if CompactJSON.isObject(text) { return text }
        // The message leaves the data out: it goes to the log.
        guard let value = try? JSONParser.parse(Array(text.utf8)), case .object = value else {
            throw .internalError("stored d is not a JSON object")
        }
        return JSONWriter.string(value)
    }

    static func sessions(_ reply: RedisReply) throws(SessionStoreError) -> [Session] {
        guard case .array(let elements) = reply else { throw unexpected(reply) }
        var sessions: [Session] = []
        sessions.reserveCapacity(elements.count)
        for element in elements {
            guard let session = try session(element) else { throw unexpected(reply) }
            sessions.append(session)
        }
        return sessions
    }

    /// {cursor or nil, sessions} of a listing's batch script; the cursor's parts come back as
    /// strings or, for numbers the script computed, integers, and go back as arguments.
    static func listingBatch(_ reply: RedisReply) throws(SessionStoreError) -> SessionListingBatch {
        guard case .array(let pair) = reply, pair.count == 2 else { throw unexpected(reply) }
        var cursor: [String]?
        if case .array(let parts) = pair[0] {
            cursor = try parts.map { part throws(SessionStoreError) in
                guard let text = part.string ?? part.integer.map({ String($0) }) else { throw unexpected(reply) }
                return text
            }
        } else if case .null = pair[0] {
            cursor = nil
        } else {
            throw unexpected(reply)
        }
        return SessionListingBatch(cursor: cursor, sessions: try sessions(pair[1]))
    }

    static func strings(_ reply: RedisReply) throws(SessionStoreError) -> [String] {
        guard case .array(let elements) = reply else { throw unexpected(reply) }
        var strings: [String] = []
        strings.reserveCapacity(elements.count)
        for element in elements {
            guard let string = element.string else { throw unexpected(reply) }
            strings.append(string)
        }
        return strings
    }

    static func count(_ reply: RedisReply) throws(SessionStoreError) -> Int {
        guard let value = reply.integer else { throw unexpected(reply) }
        return Int(value)
    }

    /// The two counters of a batch script: (sessions ended or removed, entries looked at).
    static func batchCounts(_ reply: RedisReply) throws(SessionStoreError) -> (done: Int, examined: Int) {
        guard case .array(let pair) = reply, pair.count == 2, let done = pair[0].integer, let examined = pair[1].integer else {
            throw unexpected(reply)
        }
        return (Int(done), Int(examined))
    }

    /// A field the script leaves out as Lua false (a nil reply), or else of the type `read` takes.
    private static func optional<Value>(
        _ field: RedisReply, of reply: RedisReply, _ read: (RedisReply) -> Value?
    ) throws(SessionStoreError) -> Value? {
        if case .null = field { return nil }
        guard let value = read(field) else { throw unexpected(reply) }
        return value
    }

    private static func unexpected(_ reply: RedisReply) -> SessionStoreError {
        .internalError("Unexpected reply from Redis: \(String(describing: reply).prefix(200))")
    }
}
