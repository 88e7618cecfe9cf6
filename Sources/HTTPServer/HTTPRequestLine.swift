/// `method SP request-target SP HTTP-version` (RFC 9112 §3), validated and decoded.
struct HTTPRequestLine {
    var method: HTTPMethod
    var version: HTTPVersion
    var target: String
    var decodedTarget: HTTPTargetDecoder.DecodedTarget

    /// `line` is without its CRLF. The version is judged first so a future version gets 505 whatever
    /// its method; any well-formed method goes on to the handler.
    static func parse(_ line: UnsafeBufferPointer<UInt8>) throws(HTTPParserError) -> HTTPRequestLine {
        guard let firstSpace = line.firstIndex(of: ASCII.space),
            let lastSpace = line.lastIndex(of: ASCII.space), firstSpace < lastSpace
        else { throw .badRequest("malformed request line") }
        let methodBytes = UnsafeBufferPointer(rebasing: line[..<firstSpace])
        let targetBytes = UnsafeBufferPointer(rebasing: line[(firstSpace + 1)..<lastSpace])
        let versionBytes = UnsafeBufferPointer(rebasing: line[(lastSpace + 1)...])

        let version = try parseVersion(versionBytes)
        guard !methodBytes.isEmpty, methodBytes.allSatisfy(ASCII.isTokenCharacter) else {
            throw .badRequest("malformed method")
        }
        let method = method(methodBytes)
        guard !targetBytes.isEmpty, targetBytes.allSatisfy(ASCII.isTargetCharacter) else {
            throw .badRequest("malformed request-target")
        }
        let decoded = try HTTPTargetDecoder.decode(targetBytes, method: method)
        return HTTPRequestLine(
            method: method, version: version, target: String(decoding: targetBytes, as: UTF8.self), decodedTarget: decoded
        )
    }

    private static func parseVersion(_ bytes: UnsafeBufferPointer<UInt8>) throws(HTTPParserError) -> HTTPVersion {
        guard bytes.count == 8, bytes[0] == UInt8(ascii: "H"), bytes[1] == UInt8(ascii: "T"),
            bytes[2] == UInt8(ascii: "T"), bytes[3] == UInt8(ascii: "P"), bytes[4] == ASCII.slash,
            bytes[6] == UInt8(ascii: "."), let major = decimalDigit(bytes[5]), let minor = decimalDigit(bytes[7])
        else { throw .badRequest("malformed HTTP version") }
        switch (major, minor) {
        case (1, 1): return .http1_1
        case (1, 0): return .http1_0
        default: throw .unsupportedVersion("HTTP/\(major).\(minor) is not supported")
        }
    }

    private static func decimalDigit(_ byte: UInt8) -> UInt8? {
        byte >= 0x30 && byte <= 0x39 ? byte - 0x30 : nil
    }

    private static func method(_ bytes: UnsafeBufferPointer<UInt8>) -> HTTPMethod {
        HTTPMethod.common.first { $0.rawValue.utf8.elementsEqual(bytes) }
            ?? HTTPMethod(rawValue: String(decoding: bytes, as: UTF8.self))
    }
}
