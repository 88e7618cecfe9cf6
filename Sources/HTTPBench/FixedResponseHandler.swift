import HTTPServer

/// Answers every request with the same small JSON body, shaped like a session reply: what the
/// HTTP layer alone can do, the ceiling `make bench` compares the routes with.
struct FixedResponseHandler: HTTPHandler {
    private static let response = HTTPResponse(
        status: .ok,
        headers: HTTPHeaders([("Content-Type", "application/json; charset=utf-8")]),
        body: Array(#"{"id":"user","r":1,"w":1,"ttl":600,"idle":0,"ip":"10.0.0.7"}"#.utf8)
    )

    func handle(_ request: HTTPRequest, responder: HTTPResponder) {
        responder.respond(Self.response)
    }
}
