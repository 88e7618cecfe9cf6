import HTTPServer

struct TestResponse: Sendable {
    let status: Int
    let headers: HTTPHeaders
    let body: [UInt8]

    init(_ response: HTTPResponse) {
        status = response.status.code
        headers = response.headers
        body = response.body
    }

    var text: String { String(decoding: body, as: UTF8.self) }

    /// The body with every `"idle":N` as `"idle":0`: a second may tick between two requests.
    var textIgnoringIdle: String { text.replacing(/"idle":\d+/, with: #""idle":0"#) }

    /// The first `"idle":N` of the body (to compare with a clock bracket).
    var idle: Int? { text.firstMatch(of: /"idle":(\d+)/).flatMap { Int($0.1) } }

    var isJSON: Bool { headers["Content-Type"] == "application/json; charset=utf-8" }

    /// An error answer: its status, JSON content type and `{"name":...,"message":...}` body.
    func isError(_ status: Int, name: String, message: String) -> Bool {
        self.status == status && isJSON && text == #"{"name":"\#(name)","message":"\#(message)"}"#
    }
}
