import HTTPServer

/// One request's way back: sets the JSON content type and the request id, counts the answer in the
/// metrics and writes the access line when enabled.
struct Reply: Sendable {
    struct AccessEntry: Sendable {
        let log: AccessLog
        let method: String
        let path: String
    }

    static let jsonHeaders = HTTPHeaders([("Content-Type", "application/json; charset=utf-8")])
    static let textHeaders = HTTPHeaders([("Content-Type", "text/plain; charset=utf-8")])

    let responder: HTTPResponder
    let requestID: String
    let route: RouteName
    let start: ContinuousClock.Instant
    let metrics: APIMetrics
    let access: AccessEntry?

    func json(_ body: [UInt8], status: HTTPStatus = .ok) {
        send(HTTPResponse(status: status, headers: Self.jsonHeaders, body: body))
    }

    func error(_ error: APIError, headers extraHeaders: [(String, String)] = []) {
        var headers = Self.jsonHeaders
        for (name, value) in extraHeaders { headers.add(name: name, value: value) }
        send(HTTPResponse(status: error.status, headers: headers, body: ResponseBody.error(error)))
    }

    func send(_ response: HTTPResponse) {
        var response = response
        response.headers.add(name: RequestIDs.headerName, value: requestID)
        // Counted and logged before the answer leaves: the answer may be written at once on this
        // thread, and a client that has it may read the metrics or the log next.
        record(status: response.status)
        responder.respond(response)
    }

    /// A 200 JSON answer whose body follows in parts; end it with `finish(_:)` or `abort(_:)`.
    func startStream() -> HTTPResponseStream {
        var headers = Self.jsonHeaders
        headers.add(name: RequestIDs.headerName, value: requestID)
        return responder.stream(HTTPResponse(status: .ok, headers: headers))
    }

    /// Counted and logged when the whole body has been handed over, as `send` does.
    func finish(_ stream: HTTPResponseStream) {
        record(status: .ok)
        stream.finish()
    }

    /// Counted as the 200 the client was told, though its body is cut short.
    func abort(_ stream: HTTPResponseStream) {
        record(status: .ok)
        stream.abort()
    }

    /// The metrics and the access line of an answer, once per request: `send`, `finish` and `abort`
    /// call it, and a listing whose client has gone.
    func record(status: HTTPStatus) {
        let elapsed = ContinuousClock.now - start
        metrics.recordRequest(route: route, status: status.code, duration: elapsed)
        if let access {
            access.log.record(method: access.method, path: access.path, status: status.code, elapsed: elapsed, requestID: requestID)
        }
    }
}
