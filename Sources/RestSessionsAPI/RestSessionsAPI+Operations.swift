import Dispatch
import EventLoops
import HTTPServer
import Logging
import SessionStore
import Synchronization

/// The routes for nginx and operators: `/:app/auth`, `/health`, `/ready`.
extension RestSessionsAPI {
    static let healthyBody = Array(#"{"status":"ok"}"#.utf8)
    static let readyBody = Array(#"{"status":"ready"}"#.utf8)
    static let unavailableBody = Array(#"{"status":"unavailable"}"#.utf8)
    static let prometheusHeaders = HTTPHeaders([("Content-Type", "text/plain; version=0.0.4; charset=utf-8")])

    /// 401 without a body (nginx only looks at the status); the header is what RFC 9110 asks of a 401.
    static let unauthenticated = HTTPResponse(status: .unauthorized, headers: HTTPHeaders([("WWW-Authenticate", "Bearer")]))

    /// nginx's `auth_request`: 204 with the user id for a live session (a read: it slides the
    /// expiry), 401 for anything else the caller got wrong; Redis away is 503, which nginx turns
    /// into 500 for its client rather than letting anyone in.
    func authorize(_ request: HTTPRequest, app: String, reply: Reply) {
        guard let token = SessionTokenSource.token(in: request, defaultCookie: options.authCookie) else {
            return reply.send(Self.unauthenticated)
        }
        let withData = request.query["data"] == "true"
        // HEAD is safe (RFC 9110 9.2.1): as on get, it never counts a read.
        store.get(app: app, token: String(token), touch: request.method == .HEAD ? "false" : nil) { result in
            switch result {
            case .success(let session?):
                var headers = HTTPHeaders([("X-Session-Id", SessionHeaders.percentEncodedID(session.id))])
                if withData, let data = SessionHeaders.asciiJSON(data: session.data) {
                    headers.add(name: "X-Session-Data", value: data)
                }
                reply.send(HTTPResponse(status: .noContent, headers: headers))
            case .success(nil):
                self.metrics.countUnknownToken(route: .auth)
                reply.send(Self.unauthenticated)
            case .failure(let error) where error.isValidationError:
                reply.send(Self.unauthenticated)
            case .failure(let error):
                self.fail(with: error, reply: reply)
            }
        }
    }

    /// 200 when Redis answers PING within `readinessTimeout`, else 503 (at the deadline, or at
    /// once when Redis is known to be away).
    func answerReadiness(reply: Reply) {
        let answer = ReadinessAnswer(reply: reply)
        let deadline = DispatchTime.now() + .nanoseconds(Int(options.readinessTimeout.clampedNanoseconds))
        DispatchQueue.global().asyncAfter(deadline: deadline) { answer.finish(ready: false) }
        store.ping { result in
            if case .failure(let error) = result, !error.isRedisUnavailable {
                // Redis away or refusing is logged by its connection; anything else (an ACL without
                // PING, say) would leave /ready at 503 with no word of why.
                self.logFailure("readiness check failed", cause: error.message)
            }
            answer.finish(ready: (try? result.get()) != nil)
        }
    }
}

/// The first of PONG and the deadline answers `/ready`; the other finds it answered.
private final class ReadinessAnswer: Sendable {
    private let reply: Reply
    private let answered = Atomic<Bool>(false)

    init(reply: Reply) {
        self.reply = reply
    }

    func finish(ready: Bool) {
        guard !answered.exchange(true, ordering: .relaxed) else { return }
        reply.json(ready ? RestSessionsAPI.readyBody : RestSessionsAPI.unavailableBody, status: ready ? .ok : .serviceUnavailable)
    }
}
