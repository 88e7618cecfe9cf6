/// An incremental, strict RFC 9112 request parser, independent of sockets: append bytes as they
/// arrive (split anywhere), then call `next()` until it returns nil. After an error the parser stays
/// failed; the connection answers `error.status` and closes.
public struct HTTPRequestParser: Sendable {
    public let limits: HTTPParserLimits
    public internal(set) var state: State = .idle

    /// Unconsumed input starts at `position`; bytes before it are dropped when more arrive.
    private var buffer: [UInt8] = []
    private var position = 0
    /// Where the search for the next LF resumes, so a line arriving byte by byte is scanned once.
    private var scanPosition = 0
    /// Where the check of the next request line's method resumes; nil once it is done.
    private var methodScanPosition: Int? = 0
    private var head: HTTPRequestHead?
    /// Request line and header section bytes, or trailer section bytes once in `.trailerFields`.
    private var sectionBytes = 0
    private var sectionFieldCount = 0
    private var body: [UInt8] = []

    /// A chunk-size line with extensions longer than this is refused.
    private static let maximumChunkLineBytes = 1024
    /// Larger buffers are released, not kept, once drained (after each request and before each
    /// append): idle keep-alive connections stay small.
    private static let retainedBufferCapacity = 4096

    public init(limits: HTTPParserLimits = HTTPParserLimits()) {
        self.limits = limits
    }

    public var bufferedByteCount: Int { buffer.count - position }

    /// True once any byte of the next request has arrived and until it is complete.
    public var isReceivingRequest: Bool {
        state != .idle || bufferedByteCount > 0
    }

    /// True while the request line or the header section is incomplete (the header timeout runs).
    public var isReceivingHead: Bool {
        state == .headerFields || (state == .idle && bufferedByteCount > 0)
    }

    /// Whether the request being received is a HEAD, once its request line is read: the server's own
    /// error answer to it then has no content either (RFC 9110 9.3.2).
    public var isReceivingHEAD: Bool {
        head?.line.method == .HEAD
    }

    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        dropConsumedBytes()
        buffer.append(contentsOf: bytes)
    }

    public mutating func append(contentsOf bytes: some Sequence<UInt8>) {
        dropConsumedBytes()
        buffer.append(contentsOf: bytes)
    }

    /// The next event from the bytes buffered so far; nil when more bytes are needed.
    public mutating func next() throws(HTTPParserError) -> HTTPParserEvent? {
        if case .failed(let error) = state { throw error }
        do {
            return try advance()
        } catch {
            move(to: .failed(error))
            throw error
        }
    }

    private mutating func advance() throws(HTTPParserError) -> HTTPParserEvent? {
        while true {
            switch state {
            case .idle:
                try checkMethodSoFar()
                guard let line = try takeHeadLine() else { return nil }
                // RFC 9112 §2.2: empty lines before a request line are ignored.
                guard !line.isEmpty else {
                    methodScanPosition = position
                    continue
                }
                let requestLine = try withBytes(line, HTTPRequestLine.parse)
                head = HTTPRequestHead(line: requestLine)
                move(to: .headerFields)
            case .headerFields:
                guard let line = try takeHeadLine() else { return nil }
                if line.isEmpty {
                    if let event = try finishHead() { return event }
                    continue
                }
                try countField()
                // Out of self while the field is added: the copy of self that withBytes reads would
                // otherwise share the fields' storage, and every add would copy it.
                var current = head.take()
                defer { head = current }
                try withBytes(line) { (bytes) throws(HTTPParserError) in try current?.addField(bytes) }
            case .fixedLengthBody(let length):
                guard bufferedByteCount >= length else { return nil }
                body = Array(buffer[position..<(position + length)])
                position += length
                return completeRequest()
            case .chunkSize:
                guard let line = try takeLine(maximumLength: Self.maximumChunkLineBytes) else { return nil }
                let size = try withBytes(line) { (bytes) throws(HTTPParserError) in try Self.parseChunkSize(bytes) }
                if size == 0 {
                    sectionBytes = 0
                    sectionFieldCount = 0
                    move(to: .trailerFields)
                } else {
                    guard size <= limits.maximumBodyBytes - body.count, size < Int.max / 2 else {
                        throw .bodyTooLarge("chunked body is over the limit")
                    }
                    move(to: .chunkData(size: size))
                }
            case .chunkData(let size):
                guard bufferedByteCount >= size + 2 else { return nil }
                guard buffer[position + size] == ASCII.cr, buffer[position + size + 1] == ASCII.lf else {
                    throw .badRequest("chunk data not followed by CRLF")
                }
                body.append(contentsOf: buffer[position..<(position + size)])
                position += size + 2
                move(to: .chunkSize)
            case .trailerFields:
                guard let line = try takeHeadLine() else { return nil }
                if line.isEmpty { return completeRequest() }
                try countField()
                // Trailers are checked like header fields and then dropped: nothing here uses them.
                _ = try withBytes(line) { (bytes) throws(HTTPParserError) in try HTTPRequestHead.parseField(bytes) }
            case .failed(let error):
                throw error
            }
        }
    }

    private mutating func finishHead() throws(HTTPParserError) -> HTTPParserEvent? {
        guard let head else { throw .badRequest("header section without a request line") }
        switch try head.bodyFraming(limits: limits) {
        case .none:
            return completeRequest()
        case .length(let length):
            move(to: .fixedLengthBody(length: length))
            return head.wantsContinue && bufferedByteCount < length ? .continueExpected : nil
        case .chunked:
            move(to: .chunkSize)
            return head.wantsContinue && bufferedByteCount == 0 ? .continueExpected : nil
        }
    }

    private mutating func completeRequest() -> HTTPParserEvent? {
        guard let head else { return nil }
        let line = head.line
        let request = HTTPRequest(
            method: line.method, target: line.target,
            pathSegments: line.decodedTarget.pathSegments, query: line.decodedTarget.query,
            version: line.version, headers: head.headers, body: body
        )
        self.head = nil
        body = []
        dropConsumedBytes()
        methodScanPosition = position
        sectionBytes = 0
        sectionFieldCount = 0
        move(to: .idle)
        return .request(request, keepAlive: head.keepAlive)
    }

    private mutating func countField() throws(HTTPParserError) {
        sectionFieldCount += 1
        guard sectionFieldCount <= limits.maximumHeaderCount else {
            throw .headerTooLarge("more than \(limits.maximumHeaderCount) header fields")
        }
    }

    /// A line of the request head or trailer section, counted against `maximumHeaderBytes`.
    private mutating func takeHeadLine() throws(HTTPParserError) -> Range<Int>? {
        let remaining = limits.maximumHeaderBytes - sectionBytes
        guard let line = try takeLine(maximumLength: remaining) else { return nil }
        sectionBytes += line.count + 2
        return line
    }

    /// The next CRLF-terminated line without its CRLF, or nil while its LF has not arrived. A line
    /// (with CRLF) longer than `maximumLength` fails as soon as that is certain.
    private mutating func takeLine(maximumLength: Int) throws(HTTPParserError) -> Range<Int>? {
        scanPosition = max(scanPosition, position)
        let lineFeed = buffer.withUnsafeBufferPointer { bytes in
            bytes[scanPosition...].firstIndex(of: ASCII.lf)
        }
        guard let lineFeed else {
            scanPosition = buffer.count
            if buffer.count - position > maximumLength { throw lineTooLong(isEmpty: false) }
            return nil
        }
        if lineFeed + 1 - position > maximumLength { throw lineTooLong(isEmpty: lineFeed <= position + 1) }
        guard lineFeed > position, buffer[lineFeed - 1] == ASCII.cr else {
            throw .badRequest("line ends in a bare LF")
        }
        let line = position..<(lineFeed - 1)
        position = lineFeed + 1
        return line
    }

    /// A request line over the limit is a request-target too long to parse (RFC 9112 §3: 414);
    /// empty lines before it, or header fields, fill the header section (431).
    private func lineTooLong(isEmpty: Bool) -> HTTPParserError {
        switch state {
        case .chunkSize: .badRequest("chunk-size line too long")
        case .idle where !isEmpty: .uriTooLong("request line is over \(limits.maximumHeaderBytes) bytes")
        default: .headerTooLarge("request head is over \(limits.maximumHeaderBytes) bytes")
        }
    }

    /// A method with a byte no method may have (a TLS ClientHello, say) is refused as soon as it
    /// arrives, not when the line's end or the header timeout does. Checked before the line's
    /// length, within the first `maximumHeaderBytes`, so the verdict does not depend on how the
    /// bytes were split; resumed where it stopped, so a line arriving byte by byte is checked once.
    private mutating func checkMethodSoFar() throws(HTTPParserError) {
        guard let start = methodScanPosition else { return }
        enum Scan { case ended, invalid, resumesAt(Int) }
        // The line's own limit, as `takeHeadLine` counts it (empty lines before it included).
        let end = min(buffer.count, position + max(limits.maximumHeaderBytes - sectionBytes, 0))
        let scan: Scan = buffer.withUnsafeBufferPointer { bytes in
            var index = max(start, position)
            while index < end {
                switch bytes[index] {
                // The method's end, or the line's (an empty line, or one the line parser refuses).
                case ASCII.space, ASCII.cr, ASCII.lf: return .ended
                case let byte where ASCII.isTokenCharacter(byte): index += 1
                default: return .invalid
                }
            }
            return .resumesAt(index)
        }
        switch scan {
        case .ended: methodScanPosition = nil
        case .invalid: throw .badRequest("malformed method")
        case .resumesAt(let index): methodScanPosition = index
        }
    }

    private func withBytes<Result>(
        _ range: Range<Int>, _ body: (UnsafeBufferPointer<UInt8>) throws(HTTPParserError) -> Result
    ) throws(HTTPParserError) -> Result {
        let result: Swift.Result<Result, HTTPParserError> = buffer.withUnsafeBufferPointer { bytes in
            do throws(HTTPParserError) {
                return .success(try body(UnsafeBufferPointer(rebasing: bytes[range])))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    /// `chunk-size [chunk-ext]` (RFC 9112 §7.1): hex digits, then extensions, checked and ignored:
    /// `*( BWS ";" BWS ext-name [ BWS "=" BWS ext-val ] )`, a name a token, a value a token or a
    /// quoted-string.
    static func parseChunkSize(_ line: UnsafeBufferPointer<UInt8>) throws(HTTPParserError) -> Int {
        var size = 0
        var index = 0
        while index < line.count, let digit = ASCII.hexValue(line[index]) {
            let (shifted, overflow) = size.multipliedReportingOverflow(by: 16)
            size = overflow ? Int.max : shifted | Int(digit)
            index += 1
        }
        guard index > 0 else { throw .badRequest("malformed chunk size") }
        func skipWhitespace() { while index < line.count && ASCII.isWhitespace(line[index]) { index += 1 } }
        func token() -> Bool {
            let start = index
            while index < line.count && ASCII.isTokenCharacter(line[index]) { index += 1 }
            return index > start
        }
        func quotedString() -> Bool {
            guard index < line.count, line[index] == ASCII.quote else { return false }
            index += 1
            while index < line.count {
                switch line[index] {
                case ASCII.quote:
                    index += 1
                    return true
                case ASCII.backslash:
                    guard index + 1 < line.count, ASCII.isFieldValueCharacter(line[index + 1]) else { return false }
                    index += 2
                default:
                    guard ASCII.isFieldValueCharacter(line[index]) else { return false }
                    index += 1
                }
            }
            return false
        }
        while index < line.count {
            skipWhitespace()
            guard index < line.count, line[index] == ASCII.semicolon else { throw .badRequest("malformed chunk extension") }
            index += 1
            skipWhitespace()
            guard token() else { throw .badRequest("malformed chunk extension") }
            let beforeValue = index
            skipWhitespace()
            if index < line.count, line[index] == ASCII.equals {
                index += 1
                skipWhitespace()
                guard token() || quotedString() else { throw .badRequest("malformed chunk extension") }
            } else {
                index = beforeValue
            }
        }
        return size
    }

    private mutating func dropConsumedBytes() {
        if position == buffer.count {
            if buffer.capacity > Self.retainedBufferCapacity {
                buffer = []
            } else {
                buffer.removeAll(keepingCapacity: true)
            }
            position = 0
            scanPosition = 0
            methodScanPosition = methodScanPosition.map { _ in 0 }
        } else if position > Self.retainedBufferCapacity && position * 2 > buffer.count {
            buffer.removeSubrange(0..<position)
            scanPosition -= position
            methodScanPosition = methodScanPosition.map { max($0 - position, 0) }
            position = 0
        }
    }
}
