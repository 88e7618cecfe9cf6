/// The request line and header fields of the request being received, with the facts the framing
/// and keep-alive decisions need, gathered while the fields are parsed.
struct HTTPRequestHead {
    var line: HTTPRequestLine
    var headers = HTTPHeaders()
    private var contentLength: Int?
    private var transferCodings: [String] = []
    private var hasTransferEncoding = false
    private var hostCount = 0
    private var connectionClose = false
    private var connectionKeepAlive = false
    private var expectsContinue = false

    /// Room for this many fields is reserved up front (a proxied request has about six).
    private static let typicalFieldCount = 8

    init(line: HTTPRequestLine) {
        self.line = line
        headers.reserveCapacity(Self.typicalFieldCount)
    }

    /// A field line without its CRLF; the caller has counted it against the limits.
    static func parseField(_ line: UnsafeBufferPointer<UInt8>) throws(HTTPParserError) -> (name: UnsafeBufferPointer<UInt8>, value: UnsafeBufferPointer<UInt8>) {
        guard let first = line.first, !ASCII.isWhitespace(first) else {
            throw .badRequest("obsolete line folding is not accepted")
        }
        guard let colon = line.firstIndex(of: ASCII.colon) else { throw .badRequest("header field without a colon") }
        let name = UnsafeBufferPointer(rebasing: line[..<colon])
        guard !name.isEmpty, name.allSatisfy(ASCII.isTokenCharacter) else {
            throw .badRequest("invalid header field name")
        }
        var start = colon + 1
        var end = line.count
        while start < end && ASCII.isWhitespace(line[start]) { start += 1 }
        while end > start && ASCII.isWhitespace(line[end - 1]) { end -= 1 }
        let value = UnsafeBufferPointer(rebasing: line[start..<end])
        guard value.allSatisfy(ASCII.isFieldValueCharacter) else {
            throw .badRequest("invalid character in a header field value")
        }
        return (name, value)
    }

    mutating func addField(_ line: UnsafeBufferPointer<UInt8>) throws(HTTPParserError) {
        let (name, value) = try Self.parseField(line)
        try noteFramingAndConnection(name: name, value: value)
        headers.add(name: String(decoding: name, as: UTF8.self), value: String(decoding: value, as: UTF8.self))
    }

    private mutating func noteFramingAndConnection(name: UnsafeBufferPointer<UInt8>, value: UnsafeBufferPointer<UInt8>) throws(HTTPParserError) {
        switch name.count {
        case 4 where ASCII.equalsIgnoringCase(name, "host".utf8):
            hostCount += 1
            guard Self.isValidHost(value) else { throw .badRequest("invalid Host") }
        case 6 where ASCII.equalsIgnoringCase(name, "expect".utf8):
            expectsContinue = expectsContinue || ASCII.equalsIgnoringCase(value, "100-continue".utf8)
        case 10 where ASCII.equalsIgnoringCase(name, "connection".utf8):
            for option in Self.listElements(value) {
                if ASCII.equalsIgnoringCase(option, "close".utf8) { connectionClose = true }
                if ASCII.equalsIgnoringCase(option, "keep-alive".utf8) { connectionKeepAlive = true }
            }
        case 14 where ASCII.equalsIgnoringCase(name, "content-length".utf8):
            for element in Self.listElements(value, keepingEmpty: true) {
                let length = try Self.parseContentLength(element)
                if let contentLength, contentLength != length {
                    throw .badRequest("conflicting Content-Length values")
                }
                contentLength = length
            }
        case 17 where ASCII.equalsIgnoringCase(name, "transfer-encoding".utf8):
            hasTransferEncoding = true
            for coding in Self.listElements(value) {
                guard transferCodings.count < 8 else { throw .badRequest("too many transfer codings") }
                transferCodings.append(String(decoding: coding, as: UTF8.self).lowercased())
            }
        default:
            break
        }
    }

    /// `uri-host [ ":" port ]` (RFC 9112 §3.2, RFC 3986 §3.2.2), empty allowed: a reg-name or IPv4
    /// address (unreserved, %-escapes, sub-delims) or a bracketed IP literal, then digits after a
    /// colon. Anything else (`a b`, `u@h`) is a 400, as the RFC requires.
    static func isValidHost(_ value: UnsafeBufferPointer<UInt8>) -> Bool {
        var index = 0
        if value.first == UInt8(ascii: "[") {
            guard let close = value.firstIndex(of: UInt8(ascii: "]")), close > 1,
                value[1..<close].allSatisfy({ isHostCharacter($0) || $0 == ASCII.colon })
            else { return false }
            index = close + 1
        } else {
            while index < value.count && isHostCharacter(value[index]) { index += 1 }
        }
        guard index < value.count else { return true }
        guard value[index] == ASCII.colon else { return false }
        return value[(index + 1)...].allSatisfy { (0x30...0x39).contains($0) }
    }

    /// unreserved / sub-delims / "%" of RFC 3986 (the hex digits after "%" are among the others).
    private static func isHostCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: true
        case UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "%"),
            UInt8(ascii: "!"), UInt8(ascii: "$"), UInt8(ascii: "&"), UInt8(ascii: "'"), UInt8(ascii: "("),
            UInt8(ascii: ")"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: ","), UInt8(ascii: ";"),
            UInt8(ascii: "="):
            true
        default: false
        }
    }

    /// Checks the whole header section (RFC 9112 §3.2, §6.1, §6.3) and says how the body is framed.
    func bodyFraming(limits: HTTPParserLimits) throws(HTTPParserError) -> HTTPBodyFraming {
        if line.version == .http1_1 && hostCount == 0 { throw .badRequest("HTTP/1.1 request without Host") }
        if hostCount > 1 { throw .badRequest("more than one Host header field") }
        if hasTransferEncoding {
            if contentLength != nil { throw .badRequest("both Content-Length and Transfer-Encoding") }
            if line.version == .http1_0 { throw .badRequest("Transfer-Encoding in an HTTP/1.0 request") }
            guard transferCodings.last == "chunked" else { throw .badRequest("chunked is not the final transfer coding") }
            if transferCodings.count > 1 {
                if transferCodings.dropLast().contains("chunked") { throw .badRequest("chunked applied more than once") }
                throw .notImplemented("transfer coding \(transferCodings[0]) is not implemented")
            }
            return .chunked
        }
        guard let contentLength, contentLength > 0 else { return .none }
        guard contentLength <= limits.maximumBodyBytes else { throw .bodyTooLarge("Content-Length \(contentLength) is over the limit") }
        return .length(contentLength)
    }

    var keepAlive: Bool {
        switch line.version {
        case .http1_1: !connectionClose
        case .http1_0: connectionKeepAlive && !connectionClose
        }
    }

    /// An HTTP/1.0 client does not know 100 Continue (RFC 9110 §10.1.1).
    var wantsContinue: Bool { expectsContinue && line.version == .http1_1 }

    /// Lengths too long for an Int saturate, and are then refused as too large.
    private static func parseContentLength(_ bytes: UnsafeBufferPointer<UInt8>) throws(HTTPParserError) -> Int {
        guard !bytes.isEmpty else { throw .badRequest("empty Content-Length") }
        var length = 0
        for byte in bytes {
            guard byte >= 0x30 && byte <= 0x39 else { throw .badRequest("Content-Length is not a non-negative integer") }
            let (times10, overflow1) = length.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(Int(byte - 0x30))
            length = overflow1 || overflow2 ? Int.max : sum
        }
        return length
    }

    /// The elements of a comma-separated list (RFC 9110 §5.6.1), each without surrounding whitespace.
    static func listElements(_ value: UnsafeBufferPointer<UInt8>, keepingEmpty: Bool = false) -> [UnsafeBufferPointer<UInt8>] {
        var elements: [UnsafeBufferPointer<UInt8>] = []
        var start = 0
        for index in 0...value.count where index == value.count || value[index] == ASCII.comma {
            var elementStart = start
            var elementEnd = index
            while elementStart < elementEnd && ASCII.isWhitespace(value[elementStart]) { elementStart += 1 }
            while elementEnd > elementStart && ASCII.isWhitespace(value[elementEnd - 1]) { elementEnd -= 1 }
            if keepingEmpty || elementEnd > elementStart {
                elements.append(UnsafeBufferPointer(rebasing: value[elementStart..<elementEnd]))
            }
            start = index + 1
        }
        return elements
    }
}
