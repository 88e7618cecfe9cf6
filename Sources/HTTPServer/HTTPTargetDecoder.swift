/// Splits an origin-form request-target into path segments and query pairs, percent-decoding both.
enum HTTPTargetDecoder {
    struct DecodedTarget {
        var pathSegments: [String]
        var query: HTTPQuery
    }

    /// `target` has already been checked to hold only `ASCII.isTargetCharacter` bytes.
    static func decode(_ target: UnsafeBufferPointer<UInt8>, method: HTTPMethod) throws(HTTPParserError) -> DecodedTarget {
        if target.count == 1 && target[0] == ASCII.asterisk {
            guard method == .OPTIONS else { throw .badRequest("'*' is a request-target for OPTIONS only") }
            return DecodedTarget(pathSegments: [], query: HTTPQuery())
        }
        guard target.first == ASCII.slash else {
            throw .badRequest("request-target is not in origin-form")
        }
        let pathEnd = target.firstIndex(of: ASCII.questionMark) ?? target.endIndex
        let path = UnsafeBufferPointer(rebasing: target[..<pathEnd])
        var segments: [String] = []
        segments.reserveCapacity(path.count { $0 == ASCII.slash })
        var segmentStart = 1
        for index in 1...path.count where index == path.count || path[index] == ASCII.slash {
            segments.append(try decodeComponent(UnsafeBufferPointer(rebasing: path[segmentStart..<index]), plusIsSpace: false))
            segmentStart = index + 1
        }
        if segments == [""] { segments = [] }
        var query = HTTPQuery()
        if pathEnd < target.endIndex {
            query = try decodeQuery(UnsafeBufferPointer(rebasing: target[(pathEnd + 1)...]))
        }
        return DecodedTarget(pathSegments: segments, query: query)
    }

    static func decodeQuery(_ query: UnsafeBufferPointer<UInt8>) throws(HTTPParserError) -> HTTPQuery {
        var pairs: [(name: String, value: String)] = []
        var pieceStart = 0
        for index in 0...query.count where index == query.count || query[index] == ASCII.ampersand {
            let piece = UnsafeBufferPointer(rebasing: query[pieceStart..<index])
            pieceStart = index + 1
            guard !piece.isEmpty else { continue }
            let equals = piece.firstIndex(of: ASCII.equals) ?? piece.endIndex
            let name = try decodeComponent(UnsafeBufferPointer(rebasing: piece[..<equals]), plusIsSpace: true)
            let value = equals < piece.endIndex
                ? try decodeComponent(UnsafeBufferPointer(rebasing: piece[(equals + 1)...]), plusIsSpace: true)
                : ""
            pairs.append((name: name, value: value))
        }
        return HTTPQuery(pairs: pairs)
    }

    static func decodeComponent(_ bytes: UnsafeBufferPointer<UInt8>, plusIsSpace: Bool) throws(HTTPParserError) -> String {
        let needsDecoding = bytes.contains { $0 == ASCII.percent || (plusIsSpace && $0 == ASCII.plus) }
        guard needsDecoding else { return String(decoding: bytes, as: UTF8.self) }
        var decoded: [UInt8] = []
        decoded.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == ASCII.percent {
                guard index + 2 < bytes.count,
                    let high = ASCII.hexValue(bytes[index + 1]), let low = ASCII.hexValue(bytes[index + 2])
                else { throw .badRequest("malformed percent-encoding in the request-target") }
                decoded.append(high << 4 | low)
                index += 3
            } else {
                decoded.append(plusIsSpace && byte == ASCII.plus ? ASCII.space : byte)
                index += 1
            }
        }
        guard let string = String(validating: decoded, as: UTF8.self) else {
            throw .badRequest("percent-decoding yields invalid UTF-8 in the request-target")
        }
        return string
    }
}
