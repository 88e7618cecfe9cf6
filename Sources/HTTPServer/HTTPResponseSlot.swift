/// One place in a connection's ordered output: responses are written in request order however
/// their handlers finish.
struct HTTPResponseSlot {
    enum Content {
        case awaitingHandler
        case response(HTTPResponse)
        case streaming(HTTPStreamedResponse)
        case continueInterim
    }

    var content: Content
    var context: HTTPResponseEncoder.Context

    var isReady: Bool {
        if case .awaitingHandler = content { return false }
        return true
    }
}
