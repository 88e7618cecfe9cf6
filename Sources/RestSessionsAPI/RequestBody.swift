import HTTPServer
import JSONText

/// Decoding of the JSON bodies of create and set, before the route's own validation.
enum RequestBody {
    /// Deep enough for any valid body (d is flat) and for a nested value to reach the store's
    /// "forbidden type" check; deeper input is malformed for us and bounds the parser's recursion.
    static let maximumDepth = 32

    /// nil when there is no body; the store decides what a missing body means for the route.
    static func decode(_ request: HTTPRequest) -> Result<JSONValue?, APIError> {
        guard !request.body.isEmpty else { return .success(nil) }
        switch judge(contentType: request.headers["Content-Type"]) {
        case .json: break
        case .otherMediaType: return .failure(.unsupportedMediaType)
        case .jsonInAnotherCharset: return .failure(.unsupportedCharset)
        }
        // A leading UTF-8 byte order mark (an editor's, a PHP file's) is dropped, as the reference's
        // body parser drops it.
        let text = request.body.starts(with: byteOrderMark) ? request.body.dropFirst(byteOrderMark.count) : request.body[...]
        do {
            return .success(try JSONParser.parse(text, maximumDepth: maximumDepth))
        } catch {
            return .failure(.invalidJSON(error))
        }
    }

    /// What a Content-Type says of a body.
    enum ContentTypeVerdict: Equatable {
        case json
        case otherMediaType
        /// JSON with a charset parameter other than UTF-8: RFC 8259 has JSON exchanged as UTF-8,
        /// and reading such bytes as UTF-8 would store text the client did not mean.
        case jsonInAnotherCharset
    }

    /// An absent (or empty) Content-Type counts as JSON; of the parameters only charset matters,
    /// and it must be UTF-8 (`utf-8` or `utf8`, any case, quoted or not, or empty). Where the
    /// reference differs (it refuses `utf8` and decodes UTF-16 and UTF-32), see the README.
    /// On the header's bytes: the lazy prefix/drop/reversed chain over String.UTF8View it replaces
    /// cost 1.6% of the service's CPU in a set run.
    static func judge(contentType: String?) -> ContentTypeVerdict {
        guard var contentType else { return .json }
        return contentType.withUTF8 { bytes in
            let mediaTypeEnd = bytes.firstIndex(of: UInt8(ascii: ";")) ?? bytes.count
            let mediaType = trimmed(bytes[0..<mediaTypeEnd])
            guard mediaType.isEmpty || equalIgnoringCase(mediaType, jsonMediaType) else { return .otherMediaType }
            var parameterStart = mediaTypeEnd
            while parameterStart < bytes.count {
                let parameterEnd = bytes[(parameterStart + 1)...].firstIndex(of: UInt8(ascii: ";")) ?? bytes.count
                let parameter = bytes[(parameterStart + 1)..<parameterEnd]
                if let equals = parameter.firstIndex(of: UInt8(ascii: "=")),
                    equalIgnoringCase(trimmed(parameter[..<equals]), charsetName)
                {
                    var value = trimmed(parameter[(equals + 1)...])
                    if value.count >= 2, value.first == UInt8(ascii: "\""), value.last == UInt8(ascii: "\"") {
                        value = value.dropFirst().dropLast()
                    }
                    // An empty charset names none, as for the reference's body parser.
                    guard value.isEmpty || utf8Names.contains(where: { equalIgnoringCase(value, $0) }) else { return .jsonInAnotherCharset }
                }
                parameterStart = parameterEnd
            }
            return .json
        }
    }

    /// A Content-Type whose media type says JSON itself (not an absent or empty one, which `judge`
    /// lets pass), whatever its charset: what the reference's JSON body parser, which runs on every
    /// route, requires before it parses (or refuses the charset).
    static func isDeclaredJSON(contentType: String?) -> Bool {
        guard let contentType, contentType.prefix(while: { $0 != ";" }).contains(where: { $0 != " " && $0 != "\t" }) else { return false }
        return judge(contentType: contentType) != .otherMediaType
    }

    private static let jsonMediaType = Array("application/json".utf8)
    private static let charsetName = Array("charset".utf8)
    private static let utf8Names = [Array("utf-8".utf8), Array("utf8".utf8)]
    private static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    private static func isBlank(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t")
    }

    private static func trimmed(_ bytes: Slice<UnsafeBufferPointer<UInt8>>) -> Slice<UnsafeBufferPointer<UInt8>> {
        var start = bytes.startIndex
        var end = bytes.endIndex
        while start < end, isBlank(bytes[start]) { start += 1 }
        while end > start, isBlank(bytes[end - 1]) { end -= 1 }
        return bytes[start..<end]
    }

    /// `expected` in lower case.
    private static func equalIgnoringCase(_ bytes: Slice<UnsafeBufferPointer<UInt8>>, _ expected: [UInt8]) -> Bool {
        bytes.elementsEqual(expected) { asciiLowercased($0) == $1 }
    }

    private static func asciiLowercased(_ byte: UInt8) -> UInt8 {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte | 0x20 : byte
    }
}
