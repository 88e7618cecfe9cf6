import Dispatch
import HTTPServer

/// Answers "METHOD path segments query body"; `/delay/N` answers after N ms on another queue,
/// `/never` does not answer until `release` is called, `/big/N` answers N bytes; `/stream/N/SIZE`
/// streams "start|" then N parts of SIZE bytes (part i all the letter i % 26 from "a"), each made
/// when the connection is ready for it, and `/stream-abort/N/SIZE` aborts after them;
/// `/stream-abort-now/SIZE` writes one part of SIZE bytes and aborts at once, without waiting.
final class TestHandler: HTTPHandler, @unchecked Sendable {
    // @unchecked Sendable: `held` and `streams` are only touched under `lock` (a serial queue used
    // synchronously).
    private let lock = DispatchQueue(label: "test-handler")
    private var held: [HTTPResponder] = []
    private var streams = StreamRecord()

    struct StreamRecord {
        /// Parts handed to `write`, over every stream.
        var partsMade = 0
        /// Streams whose maker was told the connection has gone.
        var stopped = 0
    }

    static let streamOpening = Array("start|".utf8)

    static func streamPart(_ index: Int, size: Int) -> [UInt8] {
        [UInt8](repeating: UInt8(ascii: "a") + UInt8(index % 26), count: size)
    }

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
        case "stream-abort-now":
            let stream = responder.stream(HTTPResponse(status: .ok, body: Self.streamOpening))
            lock.sync { streams.partsMade += 1 }
            stream.write(Self.streamPart(1, size: Int(request.pathSegments.last ?? "") ?? 0)) { _ in }
            stream.abort()
        case "stream", "stream-abort":
            let numbers = request.pathSegments.dropFirst().compactMap { Int($0) }
            let stream = responder.stream(HTTPResponse(
                status: .ok, headers: HTTPHeaders([("Content-Type", "text/plain")]), body: Self.streamOpening))
            makePart(1, of: numbers.first ?? 0, size: numbers.last ?? 0, aborts: request.pathSegments.first == "stream-abort", stream)
        default:
            responder.respond(response)
        }
    }

    private func makePart(_ index: Int, of count: Int, size: Int, aborts: Bool, _ stream: HTTPResponseStream) {
        guard index <= count else { return aborts ? stream.abort() : stream.finish() }
        lock.sync { streams.partsMade += 1 }
        stream.write(Self.streamPart(index, size: size)) { ready in
            if ready {
                self.makePart(index + 1, of: count, size: size, aborts: aborts, stream)
            } else {
                self.lock.sync { self.streams.stopped += 1 }
            }
        }
    }

    var streamRecord: StreamRecord { lock.sync { streams } }

    var heldCount: Int { lock.sync { held.count } }

    func release() {
        let responders = lock.sync { () -> [HTTPResponder] in
            defer { held.removeAll() }
            return held
        }
        for responder in responders { responder.respond(HTTPResponse(status: .ok, body: Array("released".utf8))) }
    }
}
