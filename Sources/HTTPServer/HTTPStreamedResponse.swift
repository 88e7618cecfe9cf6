/// A response in a connection's slot whose body comes in parts (see HTTPResponseStream): what the
/// handler has sent that is not rendered yet, and whether it has ended.
struct HTTPStreamedResponse {
    enum End {
        /// The body is complete: the last chunk follows the parts.
        case finished
        /// The body cannot be completed: the connection closes after the parts, so the client sees
        /// a cut response rather than a short one it would take as whole.
        case aborted
    }

    /// Until rendered: the response's status and fields, its body the first part.
    var head: HTTPResponse?
    var parts: [[UInt8]] = []
    /// Whether the status has a body (not 204 or 304): known once the head is rendered.
    var hasBody = false
    var end: End?
    /// Called once what is rendered has mostly been written (see HTTPConnection.notifyStreamWriter).
    var whenReady: (@Sendable (Bool) -> Void)?

    init(head: HTTPResponse) {
        self.head = head
    }
}
