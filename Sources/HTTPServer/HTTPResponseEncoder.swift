/// Renders responses into a connection's output buffer. The server owns framing and connection
/// management, so the handler's Content-Length, Transfer-Encoding and Connection are dropped, and a
/// field that could split the response (a CR or LF in it) is dropped too.
enum HTTPResponseEncoder {
    struct Context {
        var isHead: Bool
        var version: HTTPVersion
        var keepAlive: Bool
    }

    static let continueResponse = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)

    /// How the receiver learns where a body ends.
    enum BodyFraming {
        case contentLength(Int)
        /// Parts each preceded by their size, then `lastChunk` (HTTP/1.1).
        case chunked
        /// The body ends when the connection closes (HTTP/1.0 has no chunked coding).
        case untilClose
    }

    static let lastChunk = Array("0\r\n\r\n".utf8)

    static func append(_ response: HTTPResponse, context: Context, date: [UInt8], to output: inout [UInt8]) {
        output.reserveCapacity(output.count + 160 + response.body.count)
        let hasBody = appendHead(of: response, framing: .contentLength(response.body.count), context: context, date: date, to: &output)
        if hasBody && !context.isHead { output += response.body }
    }

    /// The status line and fields of `response` (its body is not written), framed as `framing`
    /// says; answers whether the status has a body at all.
    static func appendHead(
        of response: HTTPResponse, framing: BodyFraming, context: Context, date: [UInt8], to output: inout [UInt8]
    ) -> Bool {
        let status = (100...599).contains(response.status.code) ? response.status : .internalServerError
        let hasBody = status.code != 204 && status.code != 304 && status.code >= 200
        output += statusLinePrefix
        appendDecimal(status.code, to: &output)
        output.append(ASCII.space)
        for byte in status.reasonPhrase.utf8 where ASCII.isFieldValueCharacter(byte) { output.append(byte) }
        output += crlf
        var hasDate = false
        for field in response.headers where isSafe(field) {
            switch field.name.utf8.count {
            case 4 where HTTPHeaders.namesMatch(field.name, "Date"):
                hasDate = true
            case 10 where HTTPHeaders.namesMatch(field.name, "Connection"),
                14 where HTTPHeaders.namesMatch(field.name, "Content-Length"),
                17 where HTTPHeaders.namesMatch(field.name, "Transfer-Encoding"):
                continue
            default:
                break
            }
            appendBytes(of: field.name, to: &output)
            output += separator
            appendBytes(of: field.value, to: &output)
            output += crlf
        }
        if hasBody {
            switch framing {
            case .contentLength(let count):
                output += contentLengthPrefix
                appendDecimal(count, to: &output)
                output += crlf
            case .chunked:
                output += transferEncodingChunked
            case .untilClose:
                break
            }
        }
        if !hasDate {
            output += datePrefix
            output += date
            output += crlf
        }
        if !context.keepAlive {
            output += connectionClose
        } else if context.version == .http1_0 {
            output += connectionKeepAlive
        }
        output += crlf
        return hasBody
    }

    /// One part of a chunked body; an empty part is skipped, since it would read as the last chunk.
    static func appendChunk(_ part: [UInt8], to output: inout [UInt8]) {
        guard !part.isEmpty else { return }
        output += Array(String(part.count, radix: 16).utf8)
        output += crlf
        output += part
        output += crlf
    }

    private static func isSafe(_ field: HTTPHeaders.Element) -> Bool {
        !field.name.isEmpty && allBytes(of: field.name, satisfy: ASCII.isTokenCharacter)
            && allBytes(of: field.value, satisfy: ASCII.isFieldValueCharacter)
    }

    /// Native strings go by their contiguous bytes: a String.UTF8View appended or checked byte by
    /// byte was about 1% of the service's time on get.
    private static func appendBytes(of text: String, to output: inout [UInt8]) {
        if text.utf8.withContiguousStorageIfAvailable({ output.append(contentsOf: $0) }) == nil {
            output += text.utf8
        }
    }

    private static func allBytes(of text: String, satisfy test: (UInt8) -> Bool) -> Bool {
        text.utf8.withContiguousStorageIfAvailable { $0.allSatisfy(test) } ?? text.utf8.allSatisfy(test)
    }

    private static func appendDecimal(_ value: Int, to output: inout [UInt8]) {
        guard value >= 10 else {
            output.append(UInt8(0x30 + max(value, 0)))
            return
        }
        appendDecimal(value / 10, to: &output)
        output.append(UInt8(0x30 + value % 10))
    }

    private static let statusLinePrefix = Array("HTTP/1.1 ".utf8)
    private static let crlf: [UInt8] = [ASCII.cr, ASCII.lf]
    private static let separator = Array(": ".utf8)
    private static let contentLengthPrefix = Array("Content-Length: ".utf8)
    private static let datePrefix = Array("Date: ".utf8)
    private static let transferEncodingChunked = Array("Transfer-Encoding: chunked\r\n".utf8)
    private static let connectionClose = Array("Connection: close\r\n".utf8)
    private static let connectionKeepAlive = Array("Connection: keep-alive\r\n".utf8)
}
