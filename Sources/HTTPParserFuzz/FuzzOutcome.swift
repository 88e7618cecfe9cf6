import HTTPServer

/// What the parser made of an input: the requests it reported (not the interim 100-continue, whose
/// timing depends on how the bytes arrive) and the status of the error that ended it, if any.
struct FuzzOutcome: Equatable, CustomStringConvertible {
    var requests: [String] = []
    var errorStatus: Int?

    private static let statusesTheParserMayAnswer: Set<Int> = [400, 413, 414, 431, 501, 505]

    init(parsing chunks: [ArraySlice<UInt8>], limits: HTTPParserLimits) {
        var parser = HTTPRequestParser(limits: limits)
        for chunk in chunks {
            parser.append(contentsOf: chunk)
            do {
                while let event = try parser.next() {
                    guard case .request(let request, let keepAlive) = event else { continue }
                    precondition(request.body.count <= limits.maximumBodyBytes, "body over the limit")
                    precondition(request.headers.count <= limits.maximumHeaderCount, "too many header fields")
                    requests.append("\(request.method) \(request.target) \(request.pathSegments) \(request.query.pairs) \(request.version) \(Array(request.headers)) \(request.body) \(keepAlive)")
                }
            } catch {
                precondition(Self.statusesTheParserMayAnswer.contains(error.status.code), "unexpected status \(error.status)")
                errorStatus = error.status.code
                return
            }
        }
    }

    static func == (lhs: FuzzOutcome, rhs: FuzzOutcome) -> Bool {
        lhs.requests == rhs.requests && lhs.errorStatus == rhs.errorStatus
    }

    var description: String { "\(requests.count) requests \(requests), error \(String(describing: errorStatus))" }
}
