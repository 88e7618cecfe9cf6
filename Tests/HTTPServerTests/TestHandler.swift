import Dispatch
import HTTPServer

/// Answers "METHOD path segments query body"; `/delay/N` answers after N ms on another queue,
/// `/never` does not answer until `release` is called, `/big/N` answers N bytes.
final class TestHandler: HTTPHandler, @unchecked Sendable {
    // @unchecked Sendable: `held` is only touched under `lock` (a serial queue used synchronously).
    private let lock = DispatchQueue(label: "test-handler")
    private var held: [HTTPResponder] = []

    func handle(_ request: HTTPRequest, responder: HTTPResponder) {
        let query = request.query.pairs.map { "\($0.name)=\($0.value)" }.joined(separator: "&")
        let text = "\(request.method.rawValue) \(request.pathSegments.joined(separator: "|")) \(query) \(String(decoding: request.body, as: UTF8.self))"
        let response = HTTPResponse(
            status: .ok, headers: HTTPHeaders([("Content-Type", "text/plain")]), body: Array(text.utf8)
        )
        switch request.pathSegments.first {
        case "delay":
            let milliseconds = Int(request.pathSegments.last ?? "") ?? 0
            DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(milliseconds)) { responder.respond(response) }
        case "never":
            lock.sync { held.append(responder) }
        case "big":
            let count = Int(request.pathSegments.last ?? "") ?? 0
            responder.respond(HTTPResponse(status: .ok, body: [UInt8](repeating: UInt8(ascii: "x"), count: count)))
        default:
            responder.respond(response)
        }
    }

    var heldCount: Int { lock.sync { held.count } }

    func release() {
        let responders = lock.sync { () -> [HTTPResponder] in
            defer { held.removeAll() }
            return held
        }
        for responder in responders { responder.respond(HTTPResponse(status: .ok, body: Array("released".utf8))) }
    }
}
