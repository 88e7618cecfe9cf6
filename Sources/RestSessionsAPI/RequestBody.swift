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
        guard isJSON(contentType: request.headers["Content-Type"]) else { return .failure(.unsupportedMediaType) }
        do {
            return .success(try JSONParser.parse(request.body, maximumDepth: maximumDepth))
        } catch {
            return .failure(.invalidJSON(error))
        }
    }

    /// An absent (or empty) Content-Type counts as JSON; parameters such as charset are ignored.
    static func isJSON(contentType: String?) -> Bool {
        guard let contentType else { return true }
        let mediaType = contentType.utf8.prefix { $0 != UInt8(ascii: ";") }
            .drop { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
            .reversed().drop { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }.reversed()
        return mediaType.isEmpty || mediaType.elementsEqual("application/json".utf8) { asciiLowercased($0) == $1 }
    }

    private static func asciiLowercased(_ byte: UInt8) -> UInt8 {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte | 0x20 : byte
    }
}
