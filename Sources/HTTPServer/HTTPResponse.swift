/// The server owns framing: it writes Content-Length, Date (unless given) and Connection itself and
/// drops any Content-Length, Transfer-Encoding or Connection the handler sets.
public struct HTTPResponse: Sendable {
    public var status: HTTPStatus
    public var headers: HTTPHeaders
    public var body: [UInt8]

    public init(status: HTTPStatus, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}
