import JSONText
import Logging
import RedisClient
import EventLoops

/// The sessions of the contract on the redis-sessions layout. Every operation validates its raw
/// parameters (SessionValidation), then makes one call of its Lua script, which does all reads
/// and writes atomically with the time of Redis (see SessionScripts); the gets, sets and creates
/// made in one pass of an event loop share one EVALSHA (see RedisBatchedScript). killAll, wipe and
/// the unpaged listings repeat a batch script so Redis never stalls on a huge set.
///
/// Completions run exactly once: on a RedisClient queue, or at once on the calling thread when
/// validation fails.
public final class SessionStore: Sendable {
    let redis: RedisClient
    let configuration: SessionStoreConfiguration
    let logger: Logger
    /// `NS:`, the first argument of every script.
    let keyPrefix: String
    let cache: SessionCache?
    /// The gets, sets and creates made in the same pass of an event loop share script calls (see
    /// RedisBatchedScript).
    let batchedGet: RedisBatchedScript
    let batchedSet: RedisBatchedScript
    let batchedCreate: RedisBatchedScript
    /// `make bench-compare` (get): 16 calls per script call gave 2-3% more requests per second
    /// than 8 and as many as 32.
    static let callsPerScriptCall = 16
    /// The wipe loop started by start().
    let wipeTimer = PthreadLock<Task<Void, Never>?>(nil)
    /// Entries per killall and wipe script call: one call blocks Redis for about 2 ms (ending a
    /// session costs Redis about 18 µs: `make bench-growth` measured about 18 ms per batch of 1,000).
    static let batchSize = 100

    public init(redis: RedisClient, configuration: SessionStoreConfiguration, logger: Logger) {
        self.redis = redis
        self.configuration = configuration
        self.logger = logger
        keyPrefix = configuration.namespace + ":"
        let batched = { [keyPrefix] (batched: SessionScripts.Batched) in
            RedisBatchedScript(batched.script, leadingArguments: [keyPrefix], maximumCalls: Self.callsPerScriptCall,
                               argumentsPerCall: batched.argumentsPerCall)
        }
        batchedGet = batched(SessionScripts.get)
        batchedSet = batched(SessionScripts.set)
        batchedCreate = batched(SessionScripts.create)
        cache = configuration.cacheTime > 0
            ? SessionCache(lifetime: .seconds(configuration.cacheTime), maximumEntries: configuration.cacheMaximumEntries)
            : nil
        // Loaded ahead of the first call on every connection: a NOSCRIPT's EVAL fallback would
        // reach Redis behind the commands sent meanwhile (and take a round trip more).
        redis.preload(SessionScripts.all.map(\.script))
    }

    /// `maxAge`: seconds from now to the session's absolute end (absent: none). `maxSessions`: at
    /// most that many sessions for the id afterwards, the least recently active ended first; the
    /// answer then says how many were (`evicted`, else nil).
    public func create(
        app: String, id: String, ip: String?, ttl: String?, maxAge: String? = nil, maxSessions: String? = nil,
        data: JSONValue?, completion: @escaping @Sendable (Result<CreatedSession, SessionStoreError>) -> Void
    ) {
        let token = SessionToken.generate()
        let arguments: [String]
        let limitsSessions: Bool
        do throws(SessionStoreError) {
            try SessionValidation.checkApp(app)
            try SessionValidation.checkId(id)
            let ip = try SessionValidation.checkIp(ip)
            let ttl = try SessionValidation.ttl(ttl)
            let maxAge = try SessionValidation.maxAge(maxAge)
            let maxSessions = try SessionValidation.maxSessions(maxSessions)
            limitsSessions = maxSessions != nil
            var validated = [app, token, id, ip, String(ttl), maxAge.map(String.init) ?? "", maxSessions.map(String.init) ?? ""]
            if let data = try SessionValidation.createData(data) { validated.append(data) }
            arguments = validated
        } catch {
            return completion(.failure(error))
        }
        evaluate(batchedCreate, arguments, acknowledged: true, completion: completion) { reply throws(SessionStoreError) in
            let evicted = try SessionReplyDecoder.count(reply)
            return CreatedSession(token: token, evicted: limitsSessions ? evicted : nil)
        }
    }

    /// `touch`: absent or "true" counts the read and slides the expiry; "false" only reads, and
    /// always asks Redis (the cache holds what counted reads saw).
    public func get(
        app: String, token: String, touch: String? = nil,
        completion: @escaping @Sendable (Result<Session?, SessionStoreError>) -> Void
    ) {
        let arguments: [String]
        let touches: Bool
        do throws(SessionStoreError) {
            try SessionValidation.checkApp(app)
            try SessionValidation.checkToken(token)
            touches = try SessionValidation.touch(touch)
            arguments = [app, token, touches ? "1" : "0"]
        } catch {
            return completion(.failure(error))
        }
        guard let cache, touches else {
            return evaluate(batchedGet, arguments, completion: completion, decode: SessionReplyDecoder.session)
        }
        let cacheKey = app + ":" + token
        if let session = cache.session(forKey: cacheKey) { return completion(.success(session)) }
        let evictions = cache.evictionCount
        evaluate(batchedGet, arguments, completion: completion) { reply throws(SessionStoreError) in
            let session = try SessionReplyDecoder.session(reply)
            if let session { cache.insert(session, forKey: cacheKey, fetchedAfterEvictions: evictions) }
            return session
        }
    }

    public func set(app: String, token: String, data: JSONValue?, completion: @escaping @Sendable (Result<Session?, SessionStoreError>) -> Void) {
        evaluate(batchedSet, acknowledged: true, completion: completion, decode: SessionReplyDecoder.session) { () throws(SessionStoreError) in
            try SessionValidation.checkApp(app)
            try SessionValidation.checkToken(token)
            var arguments = [app, token]
            try SessionValidation.appendUpdate(data, to: &arguments)
            // The script publishes the invalidation; evicting here too spares this instance the wait.
            cache?.evict(key: app + ":" + token)
            return arguments
        }
    }

    public func kill(app: String, token: String, completion: @escaping @Sendable (Result<Int, SessionStoreError>) -> Void) {
        evaluate(SessionScripts.kill, acknowledged: true, completion: completion, decode: SessionReplyDecoder.count) { () throws(SessionStoreError) in
            let arguments = try tokenArguments(app: app, token: token)
            cache?.evict(key: app + ":" + token)
            return arguments
        }
    }

    public func activity(app: String, dt: String?, completion: @escaping @Sendable (Result<Int, SessionStoreError>) -> Void) {
        evaluate(SessionScripts.activity, completion: completion, decode: SessionReplyDecoder.count) { () throws(SessionStoreError) in
            try windowArguments(app: app, dt: dt)
        }
    }

    /// soapp: the live sessions active in the last dt seconds, most recent first. With `limit` or
    /// `offset`, one page of them (see SessionValidation.page).
    public func sessionsOfApp(
        app: String, dt: String?, limit: String? = nil, offset: String? = nil,
        completion: @escaping @Sendable (Result<[Session], SessionStoreError>) -> Void
    ) {
        collecting(completion) { eachBatch, done in
            sessionsOfApp(app: app, dt: dt, limit: limit, offset: offset, eachBatch: eachBatch, completion: done)
        }
    }

    /// Receives one batch of a listing and answers `goOn(true)` when it wants the next (at once or
    /// later), or `goOn(false)` to end the listing there, after which nothing more is called, the
    /// listing's completion included.
    public typealias ListingBatchHandler = @Sendable (_ batch: [Session], _ goOn: @escaping @Sendable (Bool) -> Void) -> Void

    /// soapp handed over batch by batch, in order, as Redis answers them and `eachBatch` asks for
    /// them (one batch for a page), then `completion`: what the API sends on as it comes, so a large
    /// app's listing is never held as sessions all at once.
    public func sessionsOfApp(
        app: String, dt: String?, limit: String? = nil, offset: String? = nil,
        eachBatch: @escaping ListingBatchHandler, completion: @escaping @Sendable (Result<Void, SessionStoreError>) -> Void
    ) {
        list(SessionScripts.sessionsOfAppBatch, paged: SessionScripts.sessionsOfAppPage, limit: limit, offset: offset,
             eachBatch: eachBatch, completion: completion) { () throws(SessionStoreError) in try windowArguments(app: app, dt: dt) }
    }

    /// soid: the live sessions of one id; reading them neither counts nor refreshes them. With
    /// `limit` or `offset`, one page of them, most recently active first (whole, they are unordered).
    public func sessionsOfId(
        app: String, id: String, limit: String? = nil, offset: String? = nil,
        completion: @escaping @Sendable (Result<[Session], SessionStoreError>) -> Void
    ) {
        collecting(completion) { eachBatch, done in
            sessionsOfId(app: app, id: id, limit: limit, offset: offset, eachBatch: eachBatch, completion: done)
        }
    }

    /// soid batch by batch (see the soapp form).
    public func sessionsOfId(
        app: String, id: String, limit: String? = nil, offset: String? = nil,
        eachBatch: @escaping ListingBatchHandler, completion: @escaping @Sendable (Result<Void, SessionStoreError>) -> Void
    ) {
        list(SessionScripts.sessionsOfIdBatch, paged: SessionScripts.sessionsOfIdPage, limit: limit, offset: offset,
             eachBatch: eachBatch, completion: completion) { () throws(SessionStoreError) in try idArguments(app: app, id: id) }
    }

    /// A listing's batches gathered into one array.
    private func collecting(
        _ completion: @escaping @Sendable (Result<[Session], SessionStoreError>) -> Void,
        list: (@escaping ListingBatchHandler, @escaping @Sendable (Result<Void, SessionStoreError>) -> Void) -> Void
    ) {
        let sessions = PthreadLock<[Session]>([])
        list({ batch, goOn in
            sessions.withLock { $0.append(contentsOf: batch) }
            goOn(true)
        }) { result in
            completion(result.map { sessions.withLock { $0 } })
        }
    }

    /// A listing: the reference's whole one, read in batches (see BatchedListing), or, when limit
    /// or offset is given, one page from the paged script (which takes offset and limit after the
    /// listing's arguments).
    private func list(
        _ batchScript: RedisScript, paged pagedScript: RedisScript, limit: String?, offset: String?,
        eachBatch: @escaping ListingBatchHandler, completion: @escaping @Sendable (Result<Void, SessionStoreError>) -> Void,
        validate: () throws(SessionStoreError) -> [String]
    ) {
        let arguments: [String]
        let page: SessionPage?
        do throws(SessionStoreError) {
            arguments = try validate()
            page = try SessionValidation.page(limit: limit, offset: offset)
        } catch {
            return completion(.failure(error))
        }
        if let page {
            evaluate(pagedScript, arguments + page.arguments, completion: { result in
                switch result {
                case .success(let sessions): eachBatch(sessions) { goesOn in if goesOn { completion(.success(())) } }
                case .failure(let error): completion(.failure(error))
                }
            }, decode: SessionReplyDecoder.sessions)
        } else {
            let batch = [String(configuration.listingBatchSize)]
            BatchedListing(store: self, script: batchScript, arguments: arguments + batch, eachBatch: eachBatch, completion: completion).run()
        }
    }

    /// killsoid: ends every session of one id; the answer counts the live ones (expired ones are
    /// removed too, uncounted).
    public func killSessionsOfId(app: String, id: String, completion: @escaping @Sendable (Result<Int, SessionStoreError>) -> Void) {
        evaluate(SessionScripts.killSessionsOfId, completion: completion, decode: SessionReplyDecoder.count) { () throws(SessionStoreError) in
            try idArguments(app: app, id: id)
        }
    }

    /// Ends every session of the app in batches; the answer counts the live sessions ended.
    public func killAll(app: String, completion: @escaping @Sendable (Result<Int, SessionStoreError>) -> Void) {
        do throws(SessionStoreError) {
            try SessionValidation.checkApp(app)
        } catch {
            return completion(.failure(error))
        }
        repeatBatches(SessionScripts.killAllBatch, [keyPrefix, app, String(Self.batchSize)], completion: completion)
    }

    public func ping(completion: @escaping @Sendable (Result<String, SessionStoreError>) -> Void) {
        redis.send(RedisCommand("PING")) { result in
            completion(result.mapError(self.storeError).flatMap { reply in
                reply.string.map { .success($0) } ?? .failure(.internalError("Unexpected reply to PING"))
            })
        }
    }

    /// Runs a script with the arguments `validate` builds, or completes at once with the first
    /// rule `validate` finds broken. `acknowledged`: a write that answers only once `waitReplicas`
    /// replicas have it.
    func evaluate<Value>(
        _ script: some StoreScript, acknowledged: Bool = false,
        completion: @escaping @Sendable (Result<Value, SessionStoreError>) -> Void,
        decode: @escaping @Sendable (RedisReply) throws(SessionStoreError) -> Value,
        validate: () throws(SessionStoreError) -> [String]
    ) {
        let arguments: [String]
        do throws(SessionStoreError) {
            arguments = try validate()
        } catch {
            return completion(.failure(error))
        }
        evaluate(script, arguments, acknowledged: acknowledged, completion: completion, decode: decode)
    }

    /// Runs a script and decodes its reply; Redis failures become the store's errors.
    /// `acknowledged`: a write that answers only once `waitReplicas` replicas have it.
    func evaluate<Value>(
        _ script: some StoreScript, _ arguments: [String], acknowledged: Bool = false,
        completion: @escaping @Sendable (Result<Value, SessionStoreError>) -> Void,
        decode: @escaping @Sendable (RedisReply) throws(SessionStoreError) -> Value
    ) {
        if acknowledged, configuration.waitReplicas > 0 {
            return evaluateAcknowledged(script, arguments, completion: completion, decode: decode)
        }
        script.call(on: redis, arguments) { result in
            completion(result.mapError(self.storeError).flatMap { self.decoded($0, decode) })
        }
    }

    /// The script, then `WAIT` on the same connection: the answer is the script's only if enough
    /// replicas acknowledged its writes in time.
    private func evaluateAcknowledged<Value>(
        _ script: some StoreScript, _ arguments: [String],
        completion: @escaping @Sendable (Result<Value, SessionStoreError>) -> Void,
        decode: @escaping @Sendable (RedisReply) throws(SessionStoreError) -> Value
    ) {
        let required = configuration.waitReplicas
        let wait = RedisCommand("WAIT", String(required), String(configuration.waitTimeoutMilliseconds))
        script.call(on: redis, arguments, followedBy: wait) { result in
            completion(result.mapError(self.storeError).flatMap { replies in
                guard let acknowledged = replies.next.integer, acknowledged >= required else {
                    self.logger.warning("Too few replicas acknowledged a write", metadata: [
                        "required": "\(required)", "acknowledged": "\(replies.next)",
                    ])
                    return .failure(.replicationTimeout)
                }
                return self.decoded(replies.script, decode)
            })
        }
    }

    private func decoded<Value>(
        _ reply: RedisReply, _ decode: (RedisReply) throws(SessionStoreError) -> Value
    ) -> Result<Value, SessionStoreError> {
        Result { () throws(SessionStoreError) in try decode(reply) }
    }

    /// Calls a batch script until a call examines less than a full batch, adding up what it did.
    func repeatBatches(
        _ script: RedisScript, _ arguments: [String], doneSoFar: Int = 0,
        completion: @escaping @Sendable (Result<Int, SessionStoreError>) -> Void
    ) {
        evaluate(script, arguments, completion: { result in
            switch result {
            case .success(let counts) where counts.examined >= Self.batchSize:
                self.repeatBatches(script, arguments, doneSoFar: doneSoFar + counts.done, completion: completion)
            case .success(let counts):
                completion(.success(doneSoFar + counts.done))
            case .failure(let error):
                completion(.failure(error))
            }
        }, decode: SessionReplyDecoder.batchCounts)
    }

    func tokenArguments(app: String, token: String) throws(SessionStoreError) -> [String] {
        try SessionValidation.checkApp(app)
        try SessionValidation.checkToken(token)
        return [keyPrefix, app, token]
    }

    func idArguments(app: String, id: String) throws(SessionStoreError) -> [String] {
        try SessionValidation.checkApp(app)
        try SessionValidation.checkId(id)
        return [keyPrefix, app, id]
    }

    func windowArguments(app: String, dt: String?) throws(SessionStoreError) -> [String] {
        try SessionValidation.checkApp(app)
        return [keyPrefix, app, String(try SessionValidation.dt(dt))]
    }

    /// The message keeps Redis's words: the API logs it (once, with the request's id) and never
    /// shows it to its clients.
    func storeError(_ error: RedisError) -> SessionStoreError {
        if error.isUnavailable { return .redisUnavailable }
        return .internalError("\(error)")
    }
}
