import JSONText

/// The contract's validation rules (section 3), free of I/O so they are tested without Redis.
/// Every check runs in time linear in its input and stops early where it can.
enum SessionValidation {
    static let defaultTTL = 7200
    static let minimumSeconds = 10
    /// Larger values would lose precision as Lua numbers (doubles) once added to the time; the
    /// reference accepts them, but no client needs a session of 30 million years.
    static let maximumSeconds = 999_999_999_999_999
    static let maximumIdLength = 128
    static let maximumIpLength = 39
    /// Bounds the evictions one create may do inside its script.
    static let maximumSessionsPerId = 1000
    /// Bounds one page of a listing (memory here, time in Redis).
    static let maximumPageSize = 1000
    static let defaultPageSize = 100

    /// `^[a-zA-Z0-9_-]{3,20}$`
    static func checkApp(_ app: String) throws(SessionStoreError) {
        let utf8 = app.utf8
        guard (3...20).contains(utf8.count), allBytes(of: app, satisfy: { isAlphanumeric($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") }) else {
            throw .invalidApp
        }
    }

    /// Exactly 64 of [a-zA-Z0-9].
    static func checkToken(_ token: String) throws(SessionStoreError) {
        let utf8 = token.utf8
        guard utf8.count == SessionToken.length, allBytes(of: token, satisfy: isAlphanumeric) else { throw .invalidToken }
    }

    static func checkId(_ id: String) throws(SessionStoreError) {
        guard !id.isEmpty else { throw .missingId }
        guard isSingleLine(id, maximumLength: maximumIdLength) else { throw .invalidId }
    }

    static func checkIp(_ ip: String?) throws(SessionStoreError) -> String {
        guard let ip, !ip.isEmpty else { throw .missingIp }
        guard isSingleLine(ip, maximumLength: maximumIpLength) else { throw .invalidIp }
        return ip
    }

    /// Absent or empty means the default, as in the reference.
    static func ttl(_ text: String?) throws(SessionStoreError) -> Int {
        guard let text, !text.isEmpty else { return defaultTTL }
        guard let seconds = leadingInteger(text), seconds >= minimumSeconds else { throw .invalidTTL }
        return seconds
    }

    static func dt(_ text: String?) throws(SessionStoreError) -> Int {
        guard let text, let seconds = leadingInteger(text), seconds >= minimumSeconds else { throw .invalidDT }
        return seconds
    }

    /// Absent or empty: no absolute lifetime.
    static func maxAge(_ text: String?) throws(SessionStoreError) -> Int? {
        try optionalInteger(text, in: minimumSeconds...maximumSeconds, else: .invalidMaxAge)
    }

    /// Absent or empty: no limit on the sessions of one id.
    static func maxSessions(_ text: String?) throws(SessionStoreError) -> Int? {
        try optionalInteger(text, in: 1...maximumSessionsPerId, else: .invalidMaxSessions)
    }

    /// Whether get counts the read and slides the expiry: absent or `true` does, `false` does not.
    static func touch(_ text: String?) throws(SessionStoreError) -> Bool {
        switch text {
        case nil, "true"?: true
        case "false"?: false
        default: throw .invalidTouch
        }
    }

    /// nil when neither is given: the listing stays the reference's, whole. Otherwise offset
    /// defaults to 0 and limit to defaultPageSize.
    static func page(limit: String?, offset: String?) throws(SessionStoreError) -> SessionPage? {
        let limit = try optionalInteger(limit, in: 1...maximumPageSize, else: .invalidLimit)
        let offset = try optionalInteger(offset, in: 0...maximumSeconds, else: .invalidOffset)
        guard limit != nil || offset != nil else { return nil }
        return SessionPage(offset: offset ?? 0, limit: limit ?? defaultPageSize)
    }

    /// The optional numeric parameters are read as ttl is (leading integer); absent or empty is nil.
    private static func optionalInteger(
        _ text: String?, in range: ClosedRange<Int>, else error: SessionStoreError
    ) throws(SessionStoreError) -> Int? {
        guard let text, !text.isEmpty else { return nil }
        guard let value = leadingInteger(text), range.contains(value) else { throw error }
        return value
    }

    /// JavaScript's `parseInt(text, 10)`: leading white space, an optional sign, then the digits up
    /// to the first non-digit. nil stands for NaN and for values beyond ±maximumSeconds.
    static func leadingInteger(_ text: String) -> Int? {
        var scalars = text.unicodeScalars[...]
        while let first = scalars.first, isJavaScriptWhiteSpace(first) { scalars.removeFirst() }
        var negative = false
        if let sign = scalars.first, sign == "-" || sign == "+" {
            negative = sign == "-"
            scalars.removeFirst()
        }
        var value = 0
        var sawDigit = false
        for scalar in scalars {
            guard let digit = asciiDigit(scalar) else { break }
            sawDigit = true
            value = value * 10 + digit
            if value > maximumSeconds { return nil }
        }
        guard sawDigit else { return nil }
        return negative ? -value : value
    }

    /// The initial `d` of create: absent, null, `[]`, `{}` or only null values mean no data (null
    /// values are dropped); the answer is the compact object text to store.
    static func createData(_ data: JSONValue?) throws(SessionStoreError) -> String? {
        switch data {
        case nil, .null?:
            return nil
        case .array(let elements)?:
            guard elements.isEmpty else { throw .dataNotObject }
            return nil
        case .object(let object)?:
            try checkValueTypes(object)
            var text: [UInt8] = [UInt8(ascii: "{")]
            for member in object where member.value != .null {
                if text.count > 1 { text.append(UInt8(ascii: ",")) }
                JSONWriter.append(string: member.key, to: &text)
                text.append(UInt8(ascii: ":"))
                JSONWriter.append(member.value, to: &text)
            }
            guard text.count > 1 else { return nil }
            text.append(UInt8(ascii: "}"))
            return String(decoding: text, as: UTF8.self)
        default:
            throw .dataNotObject
        }
    }

    /// The update of set as the set script's arguments: per key, the key as a JSON string literal
    /// (the same canonical form JSON.stringify writes, so the script compares keys as texts) and
    /// the value as JSON text, or "" for null (delete the key).
    static func appendUpdate(_ data: JSONValue?, to arguments: inout [String]) throws(SessionStoreError) {
        switch data {
        case nil, .null?:
            throw .dataWithoutKeys
        case .object(let object)?:
            guard !object.isEmpty else { throw .dataWithoutKeys }
            try checkValueTypes(object)
            arguments.reserveCapacity(arguments.count + 2 * object.count)
            var text: [UInt8] = []
            for member in object {
                text.removeAll(keepingCapacity: true)
                JSONWriter.append(string: member.key, to: &text)
                arguments.append(String(decoding: text, as: UTF8.self))
                text.removeAll(keepingCapacity: true)
                if member.value != .null { JSONWriter.append(member.value, to: &text) }
                arguments.append(String(decoding: text, as: UTF8.self))
            }
        default:
            throw .dataNotObject
        }
    }

    private static func checkValueTypes(_ object: JSONObject) throws(SessionStoreError) {
        for member in object {
            switch member.value {
            case .object, .array: throw .forbiddenDataType(key: member.key)
            case .string, .number, .bool, .null: continue
            }
        }
    }

    /// JavaScript's `.` matches anything but the four line terminators; lengths count UTF-16 code
    /// units as JavaScript does. Stops at the first character over the limit.
    private static func isSingleLine(_ text: String, maximumLength: Int) -> Bool {
        var length = 0
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n", "\r", "\u{2028}", "\u{2029}": return false
            default: length += scalar.utf16.count
            }
            if length > maximumLength { return false }
        }
        return true
    }

    /// Checked on the string's contiguous bytes when it has them (native strings do): String.UTF8View's
    /// own iteration cost about 1% of the service's time on get, for the 64 bytes of a token.
    private static func allBytes(of text: String, satisfy test: (UInt8) -> Bool) -> Bool {
        text.utf8.withContiguousStorageIfAvailable { $0.allSatisfy(test) } ?? text.utf8.allSatisfy(test)
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"): true
        default: false
        }
    }

    private static func asciiDigit(_ scalar: Unicode.Scalar) -> Int? {
        guard scalar.isASCII, scalar.value >= 0x30, scalar.value <= 0x39 else { return nil }
        return Int(scalar.value - 0x30)
    }

    /// ECMAScript's StrWhiteSpaceChar: white space (Zs, tab, VT, FF, BOM) and line terminators.
    private static func isJavaScriptWhiteSpace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case " ", "\t", "\n", "\u{0B}", "\u{0C}", "\r", "\u{2028}", "\u{2029}", "\u{FEFF}": true
        // The property lookup only where it can say yes: it was 0.6% of the service's CPU on create.
        default: !scalar.isASCII && scalar.properties.generalCategory == .spaceSeparator
        }
    }
}
