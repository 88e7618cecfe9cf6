import HTTPServer

/// One request's way back: sets the JSON content type and writes the access line when enabled.
struct Reply: Sendable {
    struct AccessEntry: Sendable {
        let log: AccessLog
        let method: String
        let path: String
        let start: ContinuousClock.Instant
    }

    static let jsonHeaders = HTTPHeaders([("Content-Type", "application/json; charset=utf-8")])
    static let textHeaders = HTTPHeaders([("Content-Type", "text/plain; charset=utf-8")])

    let respond: @Sendable (HTTPResponse) -> Void
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
        respond(response)
        if let access {
            access.log.record(method: access.method, path: access.path, status: response.status.code, startedAt: access.start)
        }
    }
}
