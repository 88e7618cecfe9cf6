import EventLoops

/// The body of a response sent in parts as they are made (see `HTTPResponder.stream`): chunked on
/// HTTP/1.1, ended by closing the connection on HTTP/1.0. End it exactly once, with `finish` or
/// `abort`; calls after the end, or after the connection has gone, are ignored.
public struct HTTPResponseStream: Sendable {
    enum Destination: Sendable {
        case connection(HTTPConnection, sequence: Int)
        case collector(HTTPResponseCollector)
    }

    let destination: Destination

    /// Sends `part`. `whenReady` is called exactly once: with true once the connection has written
    /// enough of what it holds to take more, so a slow reader holds the maker back instead of the
    /// service buffering the whole body; with false once the connection has gone or the answer
    /// wants no body (HEAD): make no more parts. It may be called on any thread, and before `write`
    /// returns.
    public func write(_ part: [UInt8], whenReady: @escaping @Sendable (Bool) -> Void) {
        switch destination {
        case .connection(let connection, let sequence): connection.streamWrite(to: sequence, part, whenReady: whenReady)
        case .collector(let collector): collector.append(part, whenReady: whenReady)
        }
    }

    /// The body is complete.
    public func finish() {
        end(.finished)
    }

    /// The body cannot be completed (its source failed): the connection ends after the parts sent,
    /// without the last chunk (on HTTP/1.0 with a reset), so the client sees the response cut short.
    public func abort() {
        end(.aborted)
    }

    private func end(_ end: HTTPStreamedResponse.End) {
        switch destination {
        case .connection(let connection, let sequence): connection.streamEnd(of: sequence, end)
        case .collector(let collector): collector.end(end)
        }
    }
}

/// A stream's parts gathered into one response for a responder made with a closure: at `finish`
/// the closure gets the whole body; after `abort` it gets nothing, as a client gets no whole response.
final class HTTPResponseCollector: Sendable {
    private let respond: @Sendable (HTTPResponse) -> Void
    private let response: PthreadLock<HTTPResponse?>

    init(head: HTTPResponse, respond: @escaping @Sendable (HTTPResponse) -> Void) {
        self.respond = respond
        response = PthreadLock(head)
    }

    func append(_ part: [UInt8], whenReady: @escaping @Sendable (Bool) -> Void) {
        let isOpen = response.withLock { response in
            response?.body += part
            return response != nil
        }
        whenReady(isOpen)
    }

    func end(_ end: HTTPStreamedResponse.End) {
        let whole = response.withLock { response in
            defer { response = nil }
            return response
        }
        if let whole, end == .finished { respond(whole) }
    }
}
