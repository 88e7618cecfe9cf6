public protocol HTTPHandler: Sendable {
    /// Called on a connection's queue: do not block; answer through `responder`, now or later.
    func handle(_ request: HTTPRequest, responder: HTTPResponder)
    /// The body of the answers the server gives on its own (400, 408, 413, 431, 501, 503, 505 ...).
    /// A default implementation answers text/plain with the reason phrase.
    func errorResponse(for status: HTTPStatus) -> HTTPResponse
}

extension HTTPHandler {
    public func errorResponse(for status: HTTPStatus) -> HTTPResponse {
        HTTPResponse(
            status: status,
            headers: HTTPHeaders([("Content-Type", "text/plain; charset=utf-8")]),
            body: Array("\(status.reasonPhrase)\n".utf8)
        )
    }
}
