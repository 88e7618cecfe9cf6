import EventLoops
import HTTPServer
import Logging
import SessionStore

/// The answer to soapp or soid (whole or a page), `{"sessions":[...]}`, rendered batch by batch. A listing
/// that stays under `streamingThreshold` bytes is answered whole, with its Content-Length, and a
/// failure anywhere in it is answered with its error status. A larger one is sent on as it is
/// rendered (chunked), the next batch asked of Redis only once the connection has taken most of
/// the last: the service holds a bounded part of any listing, however large the app and however
/// slowly the client reads. Its status is then already sent, so a failure after that (Redis lost
/// mid-listing) cuts the answer short, which every HTTP client reports as an error rather than
/// taking a partial listing as whole, and is logged.
final class ListingResponse: Sendable {
    /// About 400 sessions without data: listings this size and smaller keep their Content-Length.
    static let streamingThreshold = 64 * 1024

    private struct State {
        /// Rendered and not yet handed to the connection.
        var pending = ResponseBody.sessionsOpening
        var stream: HTTPResponseStream?
    }

    private let api: RestSessionsAPI
    private let reply: Reply
    private let state = PthreadLock(State())

    init(api: RestSessionsAPI, reply: Reply) {
        self.api = api
        self.reply = reply
    }

    /// Batches come one at a time: the next only after `goOn`.
    func add(_ batch: [Session], goOn: @escaping @Sendable (Bool) -> Void) {
        let (part, started) = state.withLock { state -> ([UInt8]?, HTTPResponseStream?) in
            ResponseBody.append(sessions: batch, to: &state.pending)
            guard state.pending.count >= Self.streamingThreshold else { return (nil, nil) }
            defer {
                state.pending = []
                state.pending.reserveCapacity(2 * Self.streamingThreshold)
            }
            return (state.pending, state.stream)
        }
        guard let part else { return goOn(true) }
        let stream: HTTPResponseStream
        if let started {
            stream = started
        } else {
            // Outside the lock: on the connection's loop, starting may write at once.
            stream = reply.startStream()
            state.withLock { $0.stream = stream }
        }
        stream.write(part) { [reply] ready in
            // The client has gone (or asked with HEAD, which wants no body): the listing stops here,
            // counted as the 200 it was told.
            if !ready { reply.record(status: .ok) }
            goOn(ready)
        }
    }

    func end(_ result: Result<Void, SessionStoreError>) {
        let (rest, stream) = state.withLock { state in
            ResponseBody.closeSessions(&state.pending)
            defer { state.pending = [] }
            return (state.pending, state.stream)
        }
        switch (result, stream) {
        case (.success, nil):
            reply.json(rest)
        case (.success, let stream?):
            // What whenReady would say no longer matters: the last part is written before the end.
            stream.write(rest) { _ in }
            reply.finish(stream)
        case (.failure(let error), nil):
            api.fail(with: error, reply: reply)
        case (.failure(let error), let stream?):
            api.logFailure("listing cut short after its first part was sent", of: reply, cause: error.message)
            reply.abort(stream)
        }
    }
}
