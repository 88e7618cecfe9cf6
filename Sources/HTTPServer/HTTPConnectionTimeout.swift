/// What a connection is waiting for when its timer fires, and so what the timeout means.
enum HTTPConnectionTimeout {
    /// The request line and headers did not complete in time: 408, close.
    case head
    /// A request body stalled: 408, close.
    case body
    /// The client stopped reading our output: close.
    case write
    /// No request in progress: close quietly.
    case idle
    /// Waiting for the client to close after our last response: close.
    case linger
}
