/// Answers one request. Call `respond` exactly once, from any thread; later calls are ignored, and
/// so is a call after the connection has gone.
public struct HTTPResponder: Sendable {
    let connection: HTTPConnection
    let sequence: Int

    public func respond(_ response: HTTPResponse) {
        connection.respond(to: sequence, with: response)
    }
}
