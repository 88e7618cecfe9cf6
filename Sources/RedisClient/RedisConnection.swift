import CHiredis
import EventLoops
import Logging
import Synchronization

/// One connection to Redis at a time (one hiredis async context), reconnecting with backoff.
///
/// Everything runs on `loop`: hiredis calls, its callbacks (they only happen inside those calls),
/// socket events and timers. A caller on that loop hands commands straight to hiredis, others
/// through one `loop.execute` per command; replies come back in order through ids in `pending`.
///
/// Commands are accepted while the connection is ready, and also during the very first connect
/// attempt after `connect()` once its socket is being opened (after the host name's lookup or the
/// sentinels' answer, if any): hiredis buffers them until the socket is up, so a service that
/// starts together with Redis gets no spurious errors. If that attempt fails they fail with `notConnected`.
/// During later attempts (Redis known to be away) commands fail fast with `notConnected`.
// @unchecked Sendable: all mutable state is confined to `loop`; `readyFlag` is atomic.
final class RedisConnection: @unchecked Sendable {
    enum Role {
        case commands
        case subscriber
    }

    private enum State {
        case idle
        case connecting(isFirstAttempt: Bool)
        case ready
        case waitingToReconnect
        case closed
    }

    /// Beyond this many commands in flight (hiredis still holds them, timed out or not) the
    /// connection fails new ones fast, so memory stays bounded while Redis stalls.
    static let maximumPendingCommands = 100_000

    let loop: EventLoop
    private let configuration: RedisConfiguration
    private let role: Role
    /// Where the master is, when Sentinel says so; then every connect attempt asks first.
    private let sentinels: SentinelMonitor?
    private let logger: Logger
    private let hostResolver: HostResolver
    private let scriptPreloads: ScriptPreloads
    /// Batched script calls are measured here, per batch (see issueOpenBatch).
    private let metrics: RedisMetrics
    private let readyFlag = Atomic<Bool>(false)
    private let commandTimeout: UInt64
    private let connectTimeout: UInt64

    private var state = State.idle
    private var context: HiredisContext?
    /// Where the current attempt connects (with Sentinel, what the sentinels named last).
    private var currentEndpoint: RedisConfiguration.Endpoint?
    private var pending = PendingCommands()
    /// Calls of a batched script not sent yet; see `evaluate(_:arguments:completion:)`.
    private var openBatch: ScriptCallBatch?
    private var isBatchIssueScheduled = false
    /// The RESP of the command being handed to hiredis; see `hand`.
    private var encodedCommand: [UInt8] = []
    private static let keptEncodingCapacity = 64 * 1024
    /// Commands hiredis holds for the current context (their callback in `ac->replies`, their bytes
    /// perhaps still in `obuf`): pending ones plus timed-out ones whose reply has not come. Only a
    /// reply or freeing the context releases them, so this, not `pending.count`, bounds memory.
    private var inFlight = 0
    /// The last reply on the current context, or when `inFlight` last rose from 0 (the time
    /// waiting began): no command in flight is younger than an answer would have been.
    private var lastProgress: UInt64 = 0
    /// The connection was torn down for silence and no reply has come since: a Redis that stays
    /// stopped is reported once, not on every reconnect.
    private var isSilentSinceStall = false
    private var attempt: UInt64 = 0
    private var preloadRefusalLoggedInAttempt: UInt64?
    private var consecutiveFailures = 0
    /// Connections lost in a row soon after a connect that succeeded, with nothing but errors from
    /// Redis: a Redis that wants a password we were not given refuses the preloads and SUBSCRIBE
    /// and drops a connection at its first command of more than 10 arguments; one at `maxclients`
    /// sends an error and closes. Such losses back off as failed connect attempts do and are
    /// reported once, instead of a reconnect and two or three lines every 50 ms. A connection that
    /// got no reply at all (an idle one, one lost in an ordinary restart) or lived longer than
    /// `refusedConnectionLifetime` (one that met LOADING and then sat idle) does not count.
    private var unprovenLosses = 0
    private enum RepliesSinceReady {
        case none
        case errorsOnly
        case answers
    }
    private var repliesSinceReady = RepliesSinceReady.none
    private var readySince: UInt64 = 0
    /// Ten times the longest reconnect delay by default: refused connections under load are lost
    /// within milliseconds.
    private static let refusedConnectionLifetime: UInt64 = 5_000_000_000
    /// Refusals by their message (OOM, READONLY, ...): see `noteRefusal`.
    private var refusalLog = LogThrottle(interval: .seconds(10))
    private var connectDeadline = UInt64.max
    /// The current attempt sent AUTH or SELECT: it is ready once their replies are in.
    private var awaitsHandshake = false
    /// Set inside hiredis callbacks, where hiredis forbids freeing the context; acted on once the
    /// hiredis call that ran the callback has returned.
    private var teardownReason: String?
    private var lastFailureReason: String?
    private var deadlineTimer: EventLoopTimer?
    private var timerDeadline: UInt64?
    private var subscriptions = SubscriptionTable()
    /// `connect()` was called: the subscriber connects once it has a channel.
    private var isStarted = false

    init(configuration: RedisConfiguration, role: Role, label: String, loop: EventLoop, logger: Logger,
         sentinels: SentinelMonitor? = nil, hostResolver: HostResolver = .system, scriptPreloads: ScriptPreloads = ScriptPreloads(),
         metrics: RedisMetrics = RedisMetrics()) {
        self.configuration = configuration
        self.metrics = metrics
        self.hostResolver = hostResolver
        self.scriptPreloads = scriptPreloads
        self.role = role
        self.sentinels = sentinels
        var logger = logger
        logger[metadataKey: "redis.connection"] = "\(label)"
        self.logger = logger
        self.loop = loop
        commandTimeout = configuration.commandTimeout.clampedNanoseconds
        connectTimeout = configuration.connectTimeout.clampedNanoseconds
        // Strong: close() cancels it, which lets go of the connection.
        deadlineTimer = loop.makeTimer { [self] in deadlineTimerFired() }
    }

    /// Commands hiredis holds for this connection (tests check that a stall keeps it bounded).
    var commandsInFlight: Int { loop.sync { self.inFlight } }

    /// At least the set-up (AUTH, SELECT) is done and commands go straight to Redis.
    var isReady: Bool { readyFlag.load(ordering: .relaxed) }

    func connect() {
        loop.execute { [self] in
            guard case .idle = state, !isStarted else { return }
            isStarted = true
            if role == .commands || !subscriptions.isEmpty {
                startAttempt(isFirst: true)
            }
        }
    }

    func send(_ command: RedisCommand, completion: @escaping PendingCommands.Completion) {
        if loop.inEventLoop {
            enqueue(command, completion: completion)
        } else {
            loop.execute { [self] in enqueue(command, completion: completion) }
        }
    }

    /// A call of a batched script: it joins the open batch of that script, or opens one, sent at the
    /// end of this pass of the loop or once full. Only the latest batch takes calls and any other
    /// command sends it first, so Redis serves what is sent on this connection in the order it was sent.
    func evaluate(_ batched: RedisBatchedScript, arguments: [String], completion: @escaping PendingCommands.Completion) {
        if loop.inEventLoop {
            addCall(to: batched, arguments: arguments, completion: completion)
        } else {
            loop.execute { [self] in addCall(to: batched, arguments: arguments, completion: completion) }
        }
    }

    /// Hands all the commands to hiredis in one go, so they travel back to back on this connection
    /// (`WAIT` then counts the writes before it). `completion` gets one result per command, in order.
    func send(sequence commands: [RedisCommand], completion: @escaping @Sendable ([Result<RedisReply, RedisError>]) -> Void) {
        loop.execute { [self] in
            // Every completion runs on `loop` (at once, from a reply, or from the deadline timer).
            let results = ReplyCollector(count: commands.count, completion: completion)
            for (index, command) in commands.enumerated() {
                enqueue(command, completion: metrics.measuring { results.store($0, at: index) })
            }
        }
    }

    /// One call of `batched` on its own (with the script's source when `loadingScript`), then `next`
    /// right behind it, as `send(sequence:)` sends them: one result each, in order.
    func evaluate(_ batched: RedisBatchedScript, arguments: [String], loadingScript: Bool, followedBy next: RedisCommand,
                  completion: @escaping @Sendable ([Result<RedisReply, RedisError>]) -> Void) {
        loop.execute { [self] in
            let results = ReplyCollector(count: 2, completion: completion)
            var call = ScriptCallBatch(batched)
            call.add(arguments) { results.store($0, at: 0) }
            enqueue(loadingScript ? call.evalCommand : call.command, completion: metrics.measuring { [self, call] in
                call.complete(with: $0, errorReply: failedCall)
            })
            enqueue(next, completion: metrics.measuring { results.store($0, at: 1) })
        }
    }

    /// Loads the scripts now if the connection is up or being set up; every later connect loads all
    /// of `scriptPreloads` anyway.
    func load(_ scripts: [RedisScript]) {
        loop.execute { [self] in
            guard role == .commands, let context, acceptsCommands else { return }
            for script in scripts { issueLoad(of: script, on: context, deadline: EventLoop.now() &+ commandTimeout) }
        }
    }

    /// Sentinel announced a new master: a connection to another server is dropped (its commands
    /// fail with `connectionLost`) and reconnects to where the sentinels now point.
    func masterMoved(to endpoint: RedisConfiguration.Endpoint) {
        loop.execute { [self] in
            guard let context, currentEndpoint != endpoint else { return }
            teardownReason = "the sentinels switched the master to \(endpoint)"
            tearDown(context)
        }
    }

    func subscribe(channel: String, onMessage: @escaping SubscriptionTable.Handler, onStatus: SubscriptionTable.StatusHandler? = nil) {
        loop.execute { [self] in
            guard let index = subscriptions.add(channel: channel, handler: onMessage, onStatus: onStatus) else { return }
            if let context {
                issueSubscribe(index, on: context)
            } else if case .idle = state, isStarted {
                startAttempt(isFirst: true)
            }
        }
    }

    /// Fails pending commands with `connectionLost` and stops reconnecting.
    func close() {
        loop.execute { [self] in
            if case .closed = state { return }
            state = .closed
            readyFlag.store(false, ordering: .relaxed)
            attempt &+= 1
            if let context {
                // Runs every pending callback with a NULL reply (→ connectionLost), then the cleanup hook.
                redisAsyncFree(context.pointer)
            }
            for waiter in pending.removeAll() { Self.fail(waiter, with: .connectionLost) }
            takeOpenBatch()?.complete(with: .failure(.connectionLost), errorReply: RedisError.fromReply)
            deadlineTimer?.cancel()
            // The flush timers will not run once the loop stops: the counts still add up.
            for (message, heldBack) in refusalLog.flushAll(at: EventLoop.now()) { logRefusals(heldBack, message) }
        }
    }

    // MARK: Commands

    private var acceptsCommands: Bool {
        switch state {
        case .ready, .connecting(isFirstAttempt: true): true
        default: false
        }
    }

    /// `calls`: how many calls the command serves (a batch's), counted towards hiredis's next write.
    private func enqueue(_ command: RedisCommand, calls: Int = 1, completion: @escaping PendingCommands.Completion) {
        if openBatch != nil { issueOpenBatch() }
        guard let context, acceptsCommands else {
            completion(.failure(.notConnected))
            return
        }
        guard inFlight < Self.maximumPendingCommands else {
            completion(.failure(.tooManyPendingCommands))
            return
        }
        guard issue(command, on: context) == REDIS_OK else {
            completion(.failure(.notConnected))
            return
        }
        let deadline = EventLoop.now() &+ commandTimeout
        pending.append(.command(completion), deadline: deadline)
        armTimer(at: deadline)
        // Last: a flush that fails tears the context down and fails every pending command, this one too.
        context.commandQueued(calls: calls)
    }

    private func addCall(to batched: RedisBatchedScript, arguments: [String], completion: @escaping PendingCommands.Completion) {
        // A loop: sending a batch can run callbacks (a failed write fails every pending command at
        // once) whose calls open another.
        while let openBatch, openBatch.batched !== batched { issueOpenBatch() }
        if openBatch == nil {
            openBatch = ScriptCallBatch(batched)
            if !isBatchIssueScheduled {
                isBatchIssueScheduled = true
                loop.deferToEndOfPass { [self] in
                    isBatchIssueScheduled = false
                    issueOpenBatch()
                }
            }
        }
        openBatch!.add(arguments, completion: completion)
        if openBatch!.isFull { issueOpenBatch() }
    }

    /// Sends the open batch as one EVALSHA (EVAL if Redis does not know the script).
    /// Measured as the one command it is (per call, the closure, clock reads and histogram update
    /// were 0.47 µs of the service's 5.4 µs of user CPU per get); a call whose own part failed counts
    /// as an error of its kind.
    private func issueOpenBatch() {
        guard let batch = takeOpenBatch() else { return }
        enqueue(batch.command, calls: batch.completions.count, completion: metrics.measuring { [self] result in
            if case .failure(let error) = result, error.isMissingScript {
                enqueue(batch.evalCommand, calls: batch.completions.count, completion: metrics.measuring { [self] in
                    batch.complete(with: $0, errorReply: failedCall)
                })
            } else {
                batch.complete(with: result, errorReply: failedCall)
            }
        })
    }

    private func takeOpenBatch() -> ScriptCallBatch? {
        defer { openBatch = nil }
        return openBatch
    }

    /// Hands the command to hiredis under the next pending id.
    private func issue(_ command: RedisCommand, on context: HiredisContext) -> Int32 {
        let privdata = UnsafeMutableRawPointer(bitPattern: UInt(pending.nextID))
        let status = hand(command, to: context, privdata: privdata) { ac, reply, privdata in
            RedisConnection.owner(of: ac)?.didReceive(
                reply?.assumingMemoryBound(to: redisReply.self),
                id: UInt64(UInt(bitPattern: privdata)), on: ac)
        }
        if status == REDIS_OK {
            if inFlight == 0 { lastProgress = EventLoop.now() }
            inFlight += 1
        }
        return status
    }

    private typealias ReplyCallback = @convention(c) (
        UnsafeMutablePointer<redisAsyncContext>?, UnsafeMutableRawPointer?, UnsafeMutableRawPointer?) -> Void

    /// Gives hiredis the command as RESP, encoded in a buffer the connection reuses (hiredis copies it).
    private func hand(
        _ command: RedisCommand, to context: HiredisContext, privdata: UnsafeMutableRawPointer?, callback: ReplyCallback
    ) -> Int32 {
        // A large set body should not pin its buffer for good.
        encodedCommand.removeAll(keepingCapacity: encodedCommand.capacity <= Self.keptEncodingCapacity)
        command.encode(into: &encodedCommand)
        // Not part of the command: hiredis scans it with strchr (for SUBSCRIBE's channels, past the
        // last argument), as it would its own NUL-terminated sds; AddressSanitizer caught the overread.
        encodedCommand.append(0)
        return encodedCommand.withUnsafeBytes { encoded in
            redisAsyncFormattedCommand(
                context.pointer, callback, privdata, encoded.baseAddress!.assumingMemoryBound(to: CChar.self), encoded.count - 1)
        }
    }

    /// Every reply callback of `issue` runs this, late and NULL ones included (hiredis runs the
    /// NULL ones while freeing a context, before its cleanup hook: `context` is still that one).
    private func didReceive(_ reply: UnsafeMutablePointer<redisReply>?, id: UInt64, on ac: UnsafeMutablePointer<redisAsyncContext>?) {
        if ac == context?.pointer {
            inFlight -= 1
            // hiredis is freeing the context: callers served from these callbacks must pick another connection.
            if reply == nil { readyFlag.store(false, ordering: .relaxed) }
            if let reply {
                lastProgress = EventLoop.now()
                noteReply(isAnswer: reply.pointee.type != REDIS_REPLY_ERROR)
            }
        }
        guard let waiter = pending.remove(id: id) else { return }  // timed out: late reply ignored
        switch waiter {
        case .command(let completion):
            // No reply: hiredis is freeing the context. A refused set-up: the reply is only NOAUTH or
            // the like, and the context is about to go. Either way the command was never served.
            guard let reply, teardownReason == nil else {
                completion(.failure(isConnecting ? .notConnected : .connectionLost))
                return
            }
            if reply.pointee.type == REDIS_REPLY_ERROR {
                completion(.failure(replyError(RedisReply.text(of: reply.pointee))))
            } else {
                completion(.success(RedisReply(hiredis: reply)))
            }
        case .scriptLoad:
            // One line per connection attempt: a Redis that refuses one script (LOADING, say)
            // refuses them all, and fifteen identical warnings would bury what else happened. None
            // after a refused set-up (a wrong password): the teardown's line says why, and the
            // NOAUTH the loads then get would only mislead.
            if let reply, reply.pointee.type == REDIS_REPLY_ERROR, teardownReason == nil, preloadRefusalLoggedInAttempt != attempt,
                unprovenLosses == 0
            {
                preloadRefusalLoggedInAttempt = attempt
                logger.warning("Redis refused to preload the scripts", metadata: ["error": "\(RedisReply.text(of: reply.pointee))"])
            }
        case .handshake(let isLast, let requiresMaster):
            guard let reply else { return }
            if reply.pointee.type == REDIS_REPLY_ERROR {
                // The first refusal says why (a SELECT after a failed AUTH only adds NOAUTH).
                teardownReason = teardownReason ?? "Redis refused the connection set-up: \(RedisReply.text(of: reply.pointee))"
            } else if requiresMaster, let role = RedisReply(hiredis: reply).array?.first?.string, role != "master" {
                // The sentinels' answer was stale (a failover in progress): try again after a backoff.
                teardownReason = teardownReason ?? "the server the sentinels named is a \(role), not the master"
            } else if isLast {
                becomeReady()
            }
        }
    }

    /// Any reply on the current context ends a stall's silence; only an answer (not an error)
    /// ends a run of refused connections.
    private func noteReply(isAnswer: Bool) {
        if isAnswer {
            repliesSinceReady = .answers
        } else if repliesSinceReady == .none {
            repliesSinceReady = .errorsOnly
        }
        if isSilentSinceStall || (isAnswer && unprovenLosses > 0) {
            isSilentSinceStall = false
            consecutiveFailures = 0
            unprovenLosses = 0
            logger.notice("Redis answers again", metadata: ["redis.endpoint": "\(currentEndpointDescription)"])
        }
    }

    /// The error a call of a batched script fails with when its own part failed, counted.
    private func failedCall(_ message: String) -> RedisError {
        let error = replyError(message)
        metrics.countFailedCall(error)
        return error
    }

    /// An error reply as the command (or the call of a batch) fails with.
    private func replyError(_ message: String) -> RedisError {
        let error = RedisError.fromReply(message)
        if sentinels != nil, error.isNotServing {
            // A demoted master answers READONLY: ask the sentinels where the master went.
            teardownReason = "Redis answered \(error.message.prefix(80)); asking the sentinels for the master"
        }
        if error.isStateRefusal { noteRefusal(error.message) }
        return error
    }

    /// The API answers refusals 503 without a line of its own: this is where an operator learns why.
    /// Those held back are written when their interval ends, so the lines' counts add up to all.
    private func noteRefusal(_ message: String) {
        let now = EventLoop.now()
        switch refusalLog.record(message, at: now) {
        case .logNow(let heldBack):
            logRefusals(heldBack + 1, message)
        case .holdBack(let flushAt?):
            loop.schedule(after: flushAt &- now) { [self] in
                if let heldBack = refusalLog.flush(message, at: EventLoop.now()) { logRefusals(heldBack, message) }
            }
        case .holdBack(nil):
            break
        }
    }

    private func logRefusals(_ refusals: Int, _ message: String) {
        logger.error("Redis refuses commands", metadata: [
            "error": "\(message.prefix(200))", "refusals": "\(refusals)", "redis.endpoint": "\(currentEndpointDescription)",
        ])
    }

    private var isConnecting: Bool {
        if case .connecting = state { true } else { false }
    }

    private static func fail(_ waiter: PendingCommands.Waiter, with error: RedisError) {
        if case .command(let completion) = waiter { completion(.failure(error)) }
    }

    // MARK: Deadlines

    /// One timer per connection, at the earliest of the oldest command's deadline, the connect
    /// deadline and the time a silent Redis counts as stalled.
    private func armTimer(at deadline: UInt64) {
        if let timerDeadline, timerDeadline <= deadline { return }
        timerDeadline = deadline
        deadlineTimer?.schedule(at: deadline)
    }

    private func deadlineTimerFired() {
        timerDeadline = nil
        let now = EventLoop.now()
        var handshakeTimedOut = false
        while let waiter = pending.removeExpired(now: now) {
            if case .handshake = waiter { handshakeTimedOut = true }
            Self.fail(waiter, with: .timedOut)
        }
        if isConnecting, now >= connectDeadline || handshakeTimedOut, let context {
            // Without the handshake's reply the attempt can never become ready.
            teardownReason = "connect timed out"
            tearDown(context)
        } else if isConnecting, context == nil, now >= connectDeadline {
            // A host lookup still running (a late answer finds the attempt over and is dropped).
            attemptFailed("host name lookup timed out")
        }
        if case .ready = state, let context, inFlight > 0, now &- lastProgress >= stallTimeout {
            // Timed-out commands stay in hiredis until a reply or a free: a Redis that stopped
            // answering over a live TCP connection (SIGSTOP, DEBUG SLEEP, a blackhole) must be left.
            teardownReason = "Redis answered nothing for \(stallTimeout / 1_000_000) ms"
            if isSilentSinceStall {
                consecutiveFailures += 1  // still stopped: back off further, and say so only once
            }
            isSilentSinceStall = true
            tearDown(context)
        }
        if let oldest = pending.oldestDeadline { armTimer(at: oldest) }
        if isConnecting, connectDeadline != .max { armTimer(at: connectDeadline) }
        if case .ready = state, inFlight > 0 { armTimer(at: lastProgress &+ stallTimeout) }
    }

    /// Silence that tears a connection down: its oldest command in flight is past its deadline
    /// and a further commandTimeout has passed without any reply. A slow Redis whose replies still
    /// arrive keeps moving `lastProgress` and is never torn down.
    private var stallTimeout: UInt64 { min(commandTimeout, UInt64.max / 4) * 2 }

    // MARK: Connecting

    private func startAttempt(isFirst: Bool) {
        attempt &+= 1
        state = .connecting(isFirstAttempt: isFirst)
        guard let sentinels else { return open(configuration.endpoint) }
        // The sentinel queries have their own deadlines; open() sets the connect deadline.
        connectDeadline = .max
        let attempt = self.attempt
        sentinels.resolveMaster { [self] result in
            loop.execute { [self] in
                guard self.attempt == attempt, isConnecting, context == nil else { return }
                switch result {
                case .success(let endpoint): open(endpoint)
                case .failure(let failure): attemptFailed(failure.reason)
                }
            }
        }
    }

    /// On a reconnect (when Redis went away while requests are being served on this loop), a host
    /// name is resolved on a Dispatch queue first (see HostResolver), within the connect timeout;
    /// each such attempt connects to one of its addresses, IPv4 first as hiredis orders them, the
    /// next one after each failed attempt. The first attempt leaves the lookup to hiredis, so
    /// commands sent meanwhile (the sentinel queries at start-up) queue in its buffer as before.
    private func open(_ endpoint: RedisConfiguration.Endpoint) {
        currentEndpoint = endpoint
        guard case .tcp(let host, let port) = endpoint, !HostResolver.isAddressLiteral(host),
              case .connecting(isFirstAttempt: false) = state else {
            return connect(to: endpoint)
        }
        connectDeadline = EventLoop.now() &+ connectTimeout
        armTimer(at: connectDeadline)
        let attempt = self.attempt
        hostResolver.resolve(host) { [self] result in
            loop.execute { [self] in
                guard self.attempt == attempt, isConnecting, context == nil else { return }
                switch result {
                case .success(let addresses):
                    connect(to: .tcp(host: addresses[consecutiveFailures % addresses.count], port: port))
                case .failure(let failure):
                    attemptFailed(failure.reason)
                }
            }
        }
    }

    private func connect(to endpoint: RedisConfiguration.Endpoint) {
        let pointer: UnsafeMutablePointer<redisAsyncContext>?
        switch endpoint {
        case .tcp(let address, let port):
            pointer = redisAsyncConnect(address, Int32(clamping: port))
        case .unix(let path):
            pointer = redisAsyncConnectUnix(path)
        }
        guard let pointer else {
            attemptFailed("hiredis could not allocate a context")
            return
        }
        guard pointer.pointee.err == 0 else {
            let reason = String(cString: pointer.pointee.errstr)
            redisAsyncFree(pointer)
            attemptFailed(reason)
            return
        }
        if case .tcp = endpoint {
            _ = redisEnableKeepAlive(&pointer.pointee.c)  // notices a vanished peer on idle connections
        }
        cshim_use_reply_arenas(pointer.pointee.c.reader)

        let attempt = self.attempt
        let context = HiredisContext(
            pointer: pointer, attempt: attempt, loop: loop,
            onReadable: { [self] in handleSocketEvent(attempt: attempt, redisAsyncHandleRead) },
            onWritable: { [self] in handleSocketEvent(attempt: attempt, redisAsyncHandleWrite) })
        self.context = context
        installHooks(on: pointer)

        inFlight = 0
        let now = EventLoop.now()
        connectDeadline = now &+ connectTimeout
        armTimer(at: connectDeadline)
        let handshake = handshakeCommands()
        awaitsHandshake = !handshake.isEmpty
        // Commands sent during the attempt queue behind the handshake, and only the oldest pending
        // deadline is watched: a handshake deadline beyond commandTimeout would hold theirs up.
        let handshakeDeadline = min(connectDeadline, now &+ commandTimeout)
        for (index, (command, requiresMaster)) in handshake.enumerated() where issue(command, on: context) == REDIS_OK {
            pending.append(.handshake(isLast: index == handshake.count - 1, requiresMaster: requiresMaster), deadline: handshakeDeadline)
        }
        // Right behind the set-up, ahead of every command: EVALSHA then finds the scripts on a
        // restarted or newly promoted Redis instead of answering NOSCRIPT (which its EVAL fallback
        // would send behind the commands made meanwhile).
        if role == .commands {
            for script in scriptPreloads.all { issueLoad(of: script, on: context, deadline: handshakeDeadline) }
        }
        for index in subscriptions.indices { issueSubscribe(index, on: context) }
    }

    /// SCRIPT LOAD, answered by the `.scriptLoad` waiter: a refusal (LOADING included) neither
    /// fails a caller nor tears the connection down; the scripts still run through the EVAL fallback.
    private func issueLoad(of script: RedisScript, on context: HiredisContext, deadline: UInt64) {
        guard issue(RedisCommand("SCRIPT", "LOAD", script.source), on: context) == REDIS_OK else { return }
        pending.append(.scriptLoad, deadline: deadline)
        armTimer(at: deadline)
    }

    /// AUTH, SELECT, and with Sentinel a ROLE that must say "master".
    private func handshakeCommands() -> [(RedisCommand, requiresMaster: Bool)] {
        var commands: [(RedisCommand, requiresMaster: Bool)] = []
        if let password = configuration.password {
            if let username = configuration.username {
                commands.append((RedisCommand("AUTH", username, password), false))
            } else {
                commands.append((RedisCommand("AUTH", password), false))
            }
        }
        if configuration.database != 0, role == .commands {
            commands.append((RedisCommand("SELECT", String(configuration.database)), false))
        }
        if sentinels != nil {
            commands.append((RedisCommand("ROLE"), true))
        }
        return commands
    }

    private func installHooks(on pointer: UnsafeMutablePointer<redisAsyncContext>) {
        pointer.pointee.ev.data = Unmanaged.passUnretained(self).toOpaque()
        pointer.pointee.ev.addRead = { RedisConnection.owner(ofEventData: $0)?.context?.setReading(true) }
        pointer.pointee.ev.delRead = { RedisConnection.owner(ofEventData: $0)?.context?.setReading(false) }
        pointer.pointee.ev.addWrite = { RedisConnection.owner(ofEventData: $0)?.context?.setWriting(true) }
        pointer.pointee.ev.delWrite = { RedisConnection.owner(ofEventData: $0)?.context?.setWriting(false) }
        pointer.pointee.ev.cleanup = { RedisConnection.owner(ofEventData: $0)?.contextWillBeFreed() }
        // Also arms the write source: the first writable event means the socket is connected.
        redisAsyncSetConnectCallback(pointer) { ac, status in
            guard status == REDIS_OK, let ac else { return }  // on failure hiredis frees the context next
            RedisConnection.owner(ofEventData: ac.pointee.ev.data)?.transportConnected()
        }
    }

    private func transportConnected() {
        if !awaitsHandshake { becomeReady() }
    }

    private func becomeReady() {
        guard isConnecting else { return }
        let failures = consecutiveFailures
        state = .ready
        connectDeadline = .max
        lastFailureReason = nil
        lastProgress = EventLoop.now()
        repliesSinceReady = .none
        readySince = EventLoop.now()
        if role == .commands { readyFlag.store(true, ordering: .relaxed) }
        // A stopped Redis still completes TCP connects: only a reply shows it is back.
        if isSilentSinceStall { return }
        consecutiveFailures = 0
        // After refused connections only an answer shows that Redis serves us again (noteReply says so).
        if unprovenLosses > 0 { return }
        if failures == 0 {
            logger.notice("Connected to Redis", metadata: ["redis.endpoint": "\(currentEndpointDescription)"])
        } else {
            logger.notice("Reconnected to Redis", metadata: [
                "redis.endpoint": "\(currentEndpointDescription)", "redis.failed-attempts": "\(failures)",
            ])
        }
    }

    /// Runs hiredis's read or write handler, then the teardown a callback asked for.
    private func handleSocketEvent(attempt: UInt64, _ handler: (UnsafeMutablePointer<redisAsyncContext>) -> Void) {
        guard let context, context.attempt == attempt else { return }
        handler(context.pointer)
        // hiredis may have freed the context itself (connection error); then `self.context` is nil.
        if teardownReason != nil, let context = self.context {
            tearDown(context)
        }
    }

    /// Frees the context from outside any hiredis callback; the cleanup hook schedules the reconnect.
    private func tearDown(_ context: HiredisContext) {
        readyFlag.store(false, ordering: .relaxed)
        redisAsyncFree(context.pointer)
    }

    /// hiredis's cleanup hook: the context is being freed (error, server gone, or our own free).
    private func contextWillBeFreed() {
        guard let context else { return }
        let pointer = context.pointer
        let reason = teardownReason ?? (pointer.pointee.err != 0 ? String(cString: pointer.pointee.errstr) : "closed")
        teardownReason = nil
        context.stopWatching()
        self.context = nil
        readyFlag.store(false, ordering: .relaxed)
        subscriptions.connectionLost()
        switch state {
        case .ready:
            // hiredis drops a connection itself when Redis sends an error no command waits for (a
            // refused SUBSCRIBE, `max number of clients reached`): REDIS_ERR_OTHER, with Redis's text.
            let onlyRefused = repliesSinceReady == .errorsOnly || (repliesSinceReady == .none && pointer.pointee.err == REDIS_ERR_OTHER)
            let refused = onlyRefused && EventLoop.now() &- readySince < Self.refusedConnectionLifetime
            unprovenLosses = refused ? unprovenLosses + 1 : 0
            if unprovenLosses <= 1, !isSilentSinceStall || consecutiveFailures == 0 {
                logger.warning("Lost the connection to Redis; reconnecting", metadata: [
                    "redis.endpoint": "\(currentEndpointDescription)", "redis.reason": "\(reason)",
                ])
            }
            scheduleReconnect()
        case .connecting:
            attemptFailed(reason)
        case .idle, .waitingToReconnect, .closed:
            break
        }
    }

    private func attemptFailed(_ reason: String) {
        consecutiveFailures += 1
        if consecutiveFailures == 1 || reason != lastFailureReason {
            logger.warning("Cannot connect to Redis; retrying with backoff", metadata: [
                "redis.endpoint": "\(currentEndpointDescription)", "redis.reason": "\(reason)",
            ])
        }
        lastFailureReason = reason
        scheduleReconnect()
    }

    private func scheduleReconnect() {
        state = .waitingToReconnect
        let attempt = self.attempt
        let delay = ReconnectBackoff(
            minimum: configuration.minimumReconnectDelay.clampedNanoseconds,
            maximum: configuration.maximumReconnectDelay.clampedNanoseconds
        ).delay(afterFailures: max(consecutiveFailures, unprovenLosses))
        loop.schedule(after: delay) { [self] in
            guard case .waitingToReconnect = state, self.attempt == attempt else { return }
            startAttempt(isFirst: false)
        }
    }

    /// The configured endpoint (with Sentinel, not the master's: see `currentEndpointDescription`).
    var endpointDescription: String { configuration.endpoint.description }

    private var currentEndpointDescription: String {
        if let currentEndpoint { return currentEndpoint.description }
        return configuration.sentinel.map { "master \($0.masterName) via Sentinel" } ?? endpointDescription
    }

    // MARK: Subscriptions

    private func issueSubscribe(_ index: Int, on context: HiredisContext) {
        let command = RedisCommand("SUBSCRIBE", subscriptions.channel(at: index))
        // hiredis keeps this callback for every message of the channel; privdata is the channel's index.
        let privdata = UnsafeMutableRawPointer(bitPattern: UInt(index + 1))
        _ = hand(command, to: context, privdata: privdata) { ac, reply, privdata in
            guard let reply else { return }  // the context is going away
            RedisConnection.owner(of: ac)?.didReceiveMessage(
                reply.assumingMemoryBound(to: redisReply.self),
                channelIndex: Int(bitPattern: privdata) - 1)
        }
    }

    private func didReceiveMessage(_ reply: UnsafeMutablePointer<redisReply>, channelIndex: Int) {
        // ["message", channel, payload], or the ["subscribe", channel, count] confirmation.
        let node = reply.pointee
        guard node.type == REDIS_REPLY_ARRAY, node.elements == 3,
              let kind = node.element[0], kind.pointee.type == REDIS_REPLY_STRING
        else { return }
        let kindText = RedisReply.text(of: kind.pointee)
        if kindText == "subscribe" {
            subscriptions.confirm(channelAt: channelIndex)
            noteReply(isAnswer: true)
            return
        }
        guard kindText == "message", let payload = node.element[2], payload.pointee.type == REDIS_REPLY_STRING
        else { return }
        let bytes = Array(UnsafeRawBufferPointer(start: payload.pointee.str, count: payload.pointee.len))
        subscriptions.deliver(bytes, toChannelAt: channelIndex)
    }

    // MARK: C callbacks

    private static func owner(of context: UnsafeMutablePointer<redisAsyncContext>?) -> RedisConnection? {
        owner(ofEventData: context?.pointee.ev.data)
    }

    /// `ev.data` is the connection, unretained: a connection outlives its contexts (it frees them,
    /// or hiredis does inside a call the connection made).
    private static func owner(ofEventData data: UnsafeMutableRawPointer?) -> RedisConnection? {
        data.map { Unmanaged<RedisConnection>.fromOpaque($0).takeUnretainedValue() }
    }
}
