import HTTPServer

/// Builds requests as the HTTP server would hand them over: percent-decoded path segments and query.
enum TestRequest {
    static func make(method: HTTPMethod, target: String, headers: [(String, String)], body: [UInt8]) -> HTTPRequest {
        let parts = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        let path = String(parts[0])
        let segments = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map { percentDecoded($0) }
        let query = parts.count > 1 ? queryPairs(parts[1]) : []
        return HTTPRequest(
            method: method, target: target, pathSegments: path == "/" ? [] : Array(segments),
            query: HTTPQuery(pairs: query), version: .http1_1, headers: HTTPHeaders(headers), body: body)
    }

    private static func queryPairs(_ query: Substring) -> [(name: String, value: String)] {
        query.split(separator: "&").map { pair in
            let nameAndValue = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let value = nameAndValue.count > 1 ? percentDecoded(nameAndValue[1], plusIsSpace: true) : ""
            return (percentDecoded(nameAndValue[0], plusIsSpace: true), value)
        }
    }

    private static func percentDecoded(_ text: Substring, plusIsSpace: Bool = false) -> String {
        var bytes: [UInt8] = []
        var utf8 = text.utf8[...]
        while let byte = utf8.popFirst() {
            if byte == UInt8(ascii: "%"), utf8.count >= 2,
                let value = UInt8(String(decoding: utf8.prefix(2), as: UTF8.self), radix: 16)
            {
                bytes.append(value)
                utf8 = utf8.dropFirst(2)
            } else {
                bytes.append(plusIsSpace && byte == UInt8(ascii: "+") ? UInt8(ascii: " ") : byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
