/// Answers one request. Call `respond` exactly once, from any thread; on a connection, later calls
/// are ignored, and so is a call after the connection has gone.
public struct HTTPResponder: Sendable {
    private enum Destination: Sendable {
        case connection(HTTPConnection, sequence: Int)
        case closure(@Sendable (HTTPResponse) -> Void)
    }

    private let destination: Destination

    init(connection: HTTPConnection, sequence: Int) {
        destination = .connection(connection, sequence: sequence)
    }

    /// A responder that hands the response to `respond`: for driving a handler without a socket
    /// (tests, in-process callers). It passes on every call, so a second one is the caller's to
    /// ignore. The server's own responders cost no closure per request.
    public init(_ respond: @escaping @Sendable (HTTPResponse) -> Void) {
        destination = .closure(respond)
    }

    public func respond(_ response: HTTPResponse) {
        switch destination {
        case .connection(let connection, let sequence): connection.respond(to: sequence, with: response)
        case .closure(let respond): respond(response)
        }
    }

    /// Answers with `head` (its status and fields, its body the first part) and a body that follows
    /// in parts through the stream returned: for answers too large to build whole. This answers the
    /// request as `respond` does; on a connection, the parts are sent in request order as well.
    public func stream(_ head: HTTPResponse) -> HTTPResponseStream {
        switch destination {
        case .connection(let connection, let sequence):
            connection.startStream(for: sequence, head: head)
            return HTTPResponseStream(destination: .connection(connection, sequence: sequence))
        case .closure(let respond):
            return HTTPResponseStream(destination: .collector(HTTPResponseCollector(head: head, respond: respond)))
        }
    }
}
