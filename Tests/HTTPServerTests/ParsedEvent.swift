import HTTPServer

/// A comparable summary of what the parser reported, for split-anywhere comparisons.
enum ParsedEvent: Equatable, CustomStringConvertible {
    case continueExpected
    case request(method: HTTPMethod, target: String, path: String, segments: [String], query: [String], version: HTTPVersion, headers: [String], body: String, keepAlive: Bool)

    init(_ event: HTTPParserEvent) {
        switch event {
        case .continueExpected:
            self = .continueExpected
        case .request(let request, let keepAlive):
            self = .request(
                method: request.method, target: request.target, path: request.path, segments: request.pathSegments,
                query: request.query.pairs.map { "\($0.name)=\($0.value)" }, version: request.version,
                headers: request.headers.map { "\($0.name): \($0.value)" }, body: String(decoding: request.body, as: UTF8.self),
                keepAlive: keepAlive
            )
        }
    }

    var isRequest: Bool {
        if case .request = self { return true }
        return false
    }

    var description: String {
        switch self {
        case .continueExpected: "100-continue"
        case .request(let method, let target, _, let segments, let query, let version, _, let body, let keepAlive):
            "\(method) \(target) \(segments) \(query) \(version) body=\(body) keepAlive=\(keepAlive)"
        }
    }

    /// Feeds `chunks` one after the other, draining events after each.
    static func parse(_ chunks: [[UInt8]], limits: HTTPParserLimits = HTTPParserLimits()) -> (events: [ParsedEvent], error: HTTPParserError?) {
        var parser = HTTPRequestParser(limits: limits)
        var events: [ParsedEvent] = []
        for chunk in chunks {
            parser.append(contentsOf: chunk)
            do {
                while let event = try parser.next() { events.append(ParsedEvent(event)) }
            } catch {
                return (events, error)
            }
        }
        return (events, nil)
    }
}
