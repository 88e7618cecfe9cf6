import Dispatch
import EventLoops
import HTTPServer
import JSONText
import Logging
import SessionStore

/// The REST front of the session store: routes, body decoding, JSON rendering, error statuses.
/// Callbacks end to end: a request costs no Task, and the answer is written on the store's queue.
public final class RestSessionsAPI: HTTPHandler {
    let store: SessionStore
    private let logger: Logger
    private let accessLog: AccessLog?
    let options: RestSessionsAPIOptions
    let metrics: APIMetrics
    private let requestIDs = RequestIDs()
    /// Unexpected failures by cause: each logged at most once per interval (see `logFailure`).
    private let failureLog: PthreadLock<FailureLog>

    private struct FailureLog {
        var throttle: LogThrottle
        /// The line and cause of each key with failures held back, for `flushHeldBackFailures`.
        var heldBackLines: [String: (text: Logger.Message, cause: String)] = [:]
    }

    /// `accessLog`: write an access line per request at info (pass false when info is not logged).
    /// The metrics are made here, with the metrics factory in effect now.
    public convenience init(
        store: SessionStore, logger: Logger, accessLog: Bool, options: RestSessionsAPIOptions = RestSessionsAPIOptions()
    ) {
        self.init(store: store, logger: logger, accessLog: accessLog, options: options, failureLogInterval: .seconds(10))
    }

    /// `failureLogInterval`: tests shorten it to see held-back failures written without waiting 10 s.
    init(store: SessionStore, logger: Logger, accessLog: Bool, options: RestSessionsAPIOptions, failureLogInterval: Duration) {
        self.store = store
        self.logger = logger
        self.accessLog = accessLog ? AccessLog(logger: logger) : nil
        self.options = options
        metrics = APIMetrics()
        failureLog = PthreadLock(FailureLog(throttle: LogThrottle(interval: failureLogInterval)))
    }

    /// The responder is called exactly once, on whichever loop or queue the answer is ready.
    public func handle(_ request: HTTPRequest, responder: HTTPResponder) {
        let start = ContinuousClock.now
        let route = Route(pathSegments: request.pathSegments)
        let reply = Reply(
            responder: responder, requestID: requestIDs.id(for: request), route: route?.name ?? .unknown, start: start,
            metrics: metrics,
            access: accessLog.map { log in
                Reply.AccessEntry(
                    log: log, method: request.method.rawValue, path: AccessLog.loggedPath(request.path, tokenPart: route?.tokenPathPart))
            })
        if request.method == .OPTIONS && request.target == "*" {
            // About the server, not a resource: nothing for an API key to guard.
            return reply.send(HTTPResponse(status: .noContent, headers: HTTPHeaders([("Allow", Route.methodsOfAnyRoute)])))
        }
        if let apiKeys = options.apiKeys, route?.needsAPIKey ?? true {
            switch apiKeys.verdict(presentedKey: request.headers["X-Api-Key"], app: route?.app) {
            case .allowed: break
            case .unknownKey: return reply.error(.unauthorized)
            case .otherApp: return reply.error(.forbidden)
            }
        }
        guard let route else { return reply.error(.notFound) }
        if request.method == .OPTIONS {
            return reply.send(HTTPResponse(status: .noContent, headers: HTTPHeaders([("Allow", route.allowedMethods)])))
        }
        guard route.allows(request.method) else {
            return reply.error(.methodNotAllowed, headers: [("Allow", route.allowedMethods)])
        }
        if !route.readsBody, !request.body.isEmpty, RequestBody.isDeclaredJSON(contentType: request.headers["Content-Type"]),
            case .failure(let error) = RequestBody.decode(request)
        {
            // As the reference's JSON body parser, which runs on every route: a body declared JSON
            // that is malformed is refused before the route acts, so a DELETE carrying one kills
            // nothing. Any other body (no Content-Type included) is ignored, as it is there.
            return reply.error(error)
        }
        dispatch(route, request: request, reply: reply)
    }

    public func errorResponse(for status: HTTPStatus) -> HTTPResponse {
        let error = APIError.serverError(for: status)
        return HTTPResponse(status: error.status, headers: Reply.jsonHeaders, body: ResponseBody.error(error))
    }

    private func dispatch(_ route: Route, request: HTTPRequest, reply: Reply) {
        switch route {
        case .create(let app, let id):
            decodingBody(of: request, reply: reply) { data in
                self.store.create(
                    app: app, id: id, ip: request.query["ip"], ttl: request.query["ttl"],
                    maxAge: request.query["max_age"], maxSessions: request.query["max_sessions"], data: data
                ) { result in
                    self.metrics.countCreated(result)
                    self.answer(result, reply: reply, render: ResponseBody.token)
                }
            }
        case .get(let app, let token):
            store.get(app: app, token: token, touch: Self.touch(of: request)) { result in
                self.metrics.countLookup(result, route: .get)
                self.answer(result, reply: reply, render: ResponseBody.session)
            }
        case .set(let app, let token):
            decodingBody(of: request, reply: reply) { data in
                self.store.set(app: app, token: token, data: data) { result in
                    self.metrics.countLookup(result, route: .set)
                    self.answer(result, reply: reply, render: ResponseBody.session)
                }
            }
        case .kill(let app, let token):
            store.kill(app: app, token: token) { result in
                self.metrics.countKilled(result, route: .kill)
                self.answer(result, reply: reply, render: Self.killCount)
            }
        case .activity(let app):
            store.activity(app: app, dt: request.query["dt"]) { result in
                self.answer(result, reply: reply) { ResponseBody.count($0, named: "activity") }
            }
        case .sessionsOfApp(let app):
            answerListing(reply: reply) { eachBatch, completion in
                store.sessionsOfApp(
                    app: app, dt: request.query["dt"], limit: request.query["limit"], offset: request.query["offset"],
                    eachBatch: eachBatch, completion: completion)
            }
        case .sessionsOfId(let app, let id):
            answerListing(reply: reply) { eachBatch, completion in
                store.sessionsOfId(
                    app: app, id: id, limit: request.query["limit"], offset: request.query["offset"], eachBatch: eachBatch,
                    completion: completion)
            }
        case .killSessionsOfId(let app, let id):
            store.killSessionsOfId(app: app, id: id) { result in
                self.metrics.countKilled(result, route: .killsoid)
                self.answer(result, reply: reply, render: Self.killCount)
            }
        case .killAll(let app):
            store.killAll(app: app) { result in
                self.metrics.countKilled(result, route: .killall)
                self.answer(result, reply: reply, render: Self.killCount)
            }
        case .rotate(let app, let token):
            store.rotate(app: app, token: token) { result in
                self.metrics.countRotated(result)
                self.answer(result, reply: reply, render: ResponseBody.rotated)
            }
        case .count(let app):
            store.count(app: app, dt: request.query["dt"]) { result in
                self.answer(result, reply: reply) { ResponseBody.count($0, named: "count") }
            }
        case .users(let app):
            store.users(app: app, dt: request.query["dt"], limit: request.query["limit"], offset: request.query["offset"]) { result in
                self.answer(result, reply: reply, render: ResponseBody.users)
            }
        case .ping:
            store.ping { result in
                switch result {
                case .success(let pong):
                    reply.send(HTTPResponse(status: .ok, headers: Reply.textHeaders, body: Array(pong.utf8)))
                case .failure(let error):
                    self.fail(with: error, reply: reply)
                }
            }
        case .auth(let app):
            authorize(request, app: app, reply: reply)
        case .health:
            reply.json(Self.healthyBody)
        case .ready:
            answerReadiness(reply: reply)
        case .metrics:
            guard let metricsText = options.metricsText else { return reply.error(.notFound) }
            reply.send(HTTPResponse(status: .ok, headers: Self.prometheusHeaders, body: metricsText()))
        }
    }

    /// HEAD on get never counts a read (nobody sees the session); a `touch` value other than
    /// true/false still gets its 400, so HEAD answers as GET would.
    private static func touch(of request: HTTPRequest) -> String? {
        let touch = request.query["touch"]
        guard request.method == .HEAD else { return touch }
        return touch == nil || touch == "true" ? "false" : touch
    }

    private static func killCount(_ count: Int) -> [UInt8] {
        ResponseBody.count(count, named: "kill")
    }

    /// Malformed or non-JSON bodies are answered before the route's own validation.
    private func decodingBody(of request: HTTPRequest, reply: Reply, then continuation: (JSONValue?) -> Void) {
        switch RequestBody.decode(request) {
        case .success(let data): continuation(data)
        case .failure(let error): reply.error(error)
        }
    }

    /// soapp and soid: each batch is rendered as it comes and let go (see ListingResponse).
    private func answerListing(
        reply: Reply,
        list: (@escaping SessionStore.ListingBatchHandler, @escaping @Sendable (Result<Void, SessionStoreError>) -> Void) -> Void
    ) {
        let response = ListingResponse(api: self, reply: reply)
        list({ batch, goOn in response.add(batch, goOn: goOn) }) { result in response.end(result) }
    }

    private func answer<Value>(_ result: Result<Value, SessionStoreError>, reply: Reply, render: (Value) -> [UInt8]) {
        switch result {
        case .success(let value): reply.json(render(value))
        case .failure(let error): fail(with: error, reply: reply)
        }
    }

    /// Validation errors carry the contract's name and message; anything unexpected is logged here,
    /// in one line with its details and the request's id (at most once per cause and 10 s), and
    /// answered without them.
    func fail(with error: SessionStoreError, reply: Reply) {
        if error.isValidationError {
            reply.json(ResponseBody.error(name: error.name, message: error.message), status: .badRequest)
        } else if error == .replicationTimeout {
            reply.error(.replicationTimeout)
        } else if error.isRedisUnavailable {
            reply.error(.redisUnavailable)
        } else {
            logFailure("request failed", of: reply, cause: error.message)
            reply.error(.internalError)
        }
    }

    /// As `logFailure(_:cause:metadata:)`, the line naming the request's route and id.
    func logFailure(_ text: Logger.Message, of reply: Reply, cause: String) {
        logFailure(text, cause: cause, metadata: ["route": "\(reply.route.label)", "request-id": "\(reply.requestID)"])
    }

    /// An error line `text` for `cause`: the first at once, then at most one per interval, each with
    /// `failures=N`, the requests it stands for. Those held back are written when their interval
    /// ends (without a route or request id: they may differ), so the lines' counts add up to every
    /// failure and a fault that fails every request cannot flood the log.
    func logFailure(_ text: Logger.Message, cause: String, metadata: Logger.Metadata = [:]) {
        let key = "\(text): \(cause)"
        let now = EventLoop.now()
        let decision = failureLog.withLock { log in
            let decision = log.throttle.record(key, at: now)
            if case .holdBack(_?) = decision { log.heldBackLines[key] = (text, cause) }
            return decision
        }
        switch decision {
        case .logNow(let heldBack):
            logger.error(text, metadata: metadata.merging(["error": "\(cause)", "failures": "\(heldBack + 1)"]) { $1 })
        case .holdBack(let flushAt?):
            DispatchQueue.global().asyncAfter(deadline: .now() + .nanoseconds(Int(clamping: flushAt &- now))) { [self] in
                let heldBack = failureLog.withLock { log in
                    log.heldBackLines[key] = nil
                    return log.throttle.flush(key, at: EventLoop.now())
                }
                guard let heldBack else { return }
                logger.error(text, metadata: ["error": "\(cause)", "failures": "\(heldBack)"])
            }
        case .holdBack(nil):
            break
        }
    }

    /// Writes the failure lines still held back: at a stop, before their flush timers would run.
    public func flushHeldBackFailures() {
        let lines = failureLog.withLock { log in
            let flushed = log.throttle.flushAll(at: EventLoop.now()).compactMap { entry in
                log.heldBackLines[entry.key].map { (line: $0, failures: entry.heldBack) }
            }
            log.heldBackLines.removeAll()
            return flushed
        }
        for (line, failures) in lines {
            logger.error(line.text, metadata: ["error": "\(line.cause)", "failures": "\(failures)"])
        }
    }
}
