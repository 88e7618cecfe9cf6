import EventLoops
import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// hiredis writes with write(2), so a peer that closed its socket would raise SIGPIPE and kill the
/// process; the service ignores SIGPIPE process-wide (write then fails with EPIPE, which hiredis
/// reports as a lost connection). Runs once, on the first client's init.
private let ignoreBrokenPipeSignal: Void = {
    _ = signal(SIGPIPE, SIG_IGN)
}()

/// A Redis client over hiredis's async API on event loops: `connectionCount` pipelined command
/// connections spread over the loops (a caller on one of them uses that loop's connection, others
/// go round-robin), `blockingConnectionCount` more for command sequences that may block (`WAIT`), plus
/// one subscriber connection created on the first `subscribe`. With `sentinel` configured, every
/// connection finds the master through the sentinels and follows a failover by itself.
public final class RedisClient: Sendable {
    private let connections: [RedisConnection]
    private let blockingConnections: [RedisConnection]
    private let subscriber: RedisConnection
    private let sentinels: SentinelMonitor?
    private let nextConnection = Atomic<UInt>(0)
    private let metrics = RedisMetrics()
    private let scriptPreloads = ScriptPreloads()

    /// `eventLoops`: where the connections run; the process's shared loops unless given others (the
    /// service's HTTP connections run there too, so their commands and replies need no hand-off).
    public init(configuration: RedisConfiguration, eventLoops: EventLoopGroup = .shared, logger: Logger) {
        _ = ignoreBrokenPipeSignal
        let sentinels = configuration.sentinel.map {
            SentinelMonitor(configuration: configuration, sentinel: $0, eventLoops: eventLoops, logger: logger)
        }
        self.sentinels = sentinels
        let loops = eventLoops.loops
        let count = configuration.connectionCount > 0 ? configuration.connectionCount : loops.count
        let scriptPreloads = scriptPreloads
        let metrics = metrics
        connections = (0..<count).map { index in
            RedisConnection(configuration: configuration, role: .commands, label: "\(index)",
                            loop: loops[index % loops.count], logger: logger, sentinels: sentinels, scriptPreloads: scriptPreloads,
                            metrics: metrics)
        }
        var blockingConfiguration = configuration
        blockingConfiguration.commandTimeout += configuration.blockingCommandExtraTime
        blockingConnections = (0..<max(configuration.blockingConnectionCount, 0)).map { index in
            RedisConnection(configuration: blockingConfiguration, role: .commands, label: "blocking-\(index)",
                            loop: eventLoops.nextLoop(), logger: logger, sentinels: sentinels, scriptPreloads: scriptPreloads,
                            metrics: metrics)
        }
        subscriber = RedisConnection(configuration: configuration, role: .subscriber, label: "subscriber",
                                     loop: eventLoops.nextLoop(), logger: logger, sentinels: sentinels)
        sentinels?.watchSwitches { [weak self] endpoint in
            guard let self else { return }
            for connection in connections + blockingConnections + [subscriber] { connection.masterMoved(to: endpoint) }
        }
    }

    deinit {
        close()
    }

    /// Starts connecting in the background; returns at once. Reconnects with backoff until close().
    /// Commands sent before the first connect attempt has finished wait for it (they fail with
    /// `notConnected` if it fails); while Redis is known to be away they fail fast.
    public func connect() {
        sentinels?.connect()
        for connection in connections + blockingConnections { connection.connect() }
        subscriber.connect()
    }

    /// Scripts every command connection loads (SCRIPT LOAD) now and on every reconnect, ahead of any
    /// other command: after a Redis restart or a failover, EVALSHA finds them at once.
    public func preload(_ scripts: [RedisScript]) {
        scriptPreloads.add(scripts)
        for connection in connections + blockingConnections { connection.load(scripts) }
    }

    /// completion runs exactly once, on a loop of the client: do not block in it.
    public func send(_ command: RedisCommand, completion: @escaping @Sendable (Result<RedisReply, RedisError>) -> Void) {
        let connection = nextReadyConnection()
        if let reason = command.unsupportedReason {
            connection.loop.execute { completion(.failure(.unsupportedCommand(reason))) }
            return
        }
        connection.send(command, completion: metrics.measuring(completion))
    }

    public func send(_ command: RedisCommand) async throws(RedisError) -> RedisReply {
        try await withCheckedContinuation { continuation in
            send(command) { continuation.resume(returning: $0) }
        }.get()
    }

    /// EVALSHA; on a NOSCRIPT error it falls back to EVAL (which also loads the script).
    public func evaluate(_ script: RedisScript, keys: [String], arguments: [String],
                         completion: @escaping @Sendable (Result<RedisReply, RedisError>) -> Void) {
        send(Self.scriptCommand("EVALSHA", script.sha1, keys: keys, arguments: arguments)) { [self] result in
            if case .failure(let error) = result, error.isMissingScript {
                send(Self.scriptCommand("EVAL", script.source, keys: keys, arguments: arguments), completion: completion)
            } else {
                completion(result)
            }
        }
    }

    public func evaluate(_ script: RedisScript, keys: [String], arguments: [String]) async throws(RedisError) -> RedisReply {
        try await withCheckedContinuation { continuation in
            evaluate(script, keys: keys, arguments: arguments) { continuation.resume(returning: $0) }
        }.get()
    }

    /// A call of a batched script (see RedisBatchedScript): it travels with the other calls of that
    /// script made on the same connection in this pass of its loop. Falls back to EVAL as `evaluate` does.
    public func evaluate(_ batched: RedisBatchedScript, arguments: [String],
                         completion: @escaping @Sendable (Result<RedisReply, RedisError>) -> Void) {
        nextReadyConnection().evaluate(batched, arguments: arguments, completion: completion)
    }

    public func evaluate(_ batched: RedisBatchedScript, arguments: [String]) async throws(RedisError) -> RedisReply {
        try await withCheckedContinuation { continuation in
            evaluate(batched, arguments: arguments) { continuation.resume(returning: $0) }
        }.get()
    }

    /// A dedicated connection in subscribe mode; subscribes again after every reconnect.
    /// onMessage runs on that connection's loop: do not block in it. Messages published while the
    /// connection is down are lost (Redis pub/sub keeps nothing): `onStatus` (same loop) hears
    /// false when the connection is lost and true on every confirmed (re)subscription, so that a
    /// subscriber can drop what those lost messages would have changed.
    public func subscribe(channel: String, onMessage: @escaping @Sendable ([UInt8]) -> Void,
                          onStatus: (@Sendable (_ isSubscribed: Bool) -> Void)? = nil) {
        subscriber.subscribe(channel: channel, onMessage: onMessage, onStatus: onStatus)
    }

    /// Commands hiredis holds over all command connections, timed-out ones included.
    var commandsInFlight: Int {
        (connections + blockingConnections).reduce(0) { $0 + $1.commandsInFlight }
    }

    /// At least one command connection is up.
    public var isConnected: Bool {
        connections.contains { $0.isReady }
    }

    /// Closes every connection; commands still pending fail with connectionLost.
    public func close() {
        for connection in connections + blockingConnections { connection.close() }
        subscriber.close()
        sentinels?.close()
    }

    /// Sends the commands back to back on one connection (a blocking one when there are any), so
    /// that each is served after the ones before it on that connection: `WAIT` after a write counts
    /// the replicas that have that write. completion runs once, with one result per command, in order.
    public func send(sequence commands: [RedisCommand], completion: @escaping @Sendable ([Result<RedisReply, RedisError>]) -> Void) {
        let connection = nextReadyConnection(in: sequenceConnections)
        if let reason = commands.lazy.compactMap(\.unsupportedReason).first ?? (commands.isEmpty ? "a sequence needs at least one command" : nil) {
            connection.loop.execute { completion(commands.map { _ in .failure(.unsupportedCommand(reason)) }) }
            return
        }
        connection.send(sequence: commands, completion: completion)
    }

    /// `evaluate`, then `next` right behind it on the same connection (e.g. `WAIT 1 1000`, which
    /// then waits for this script's writes). Fails if either fails.
    public func evaluate(_ script: RedisScript, keys: [String], arguments: [String], followedBy next: RedisCommand,
                         completion: @escaping @Sendable (Result<(script: RedisReply, next: RedisReply), RedisError>) -> Void) {
        Self.sendPairFallingBackToSource({ [self] loadingScript, done in
            let command = loadingScript
                ? Self.scriptCommand("EVAL", script.source, keys: keys, arguments: arguments)
                : Self.scriptCommand("EVALSHA", script.sha1, keys: keys, arguments: arguments)
            send(sequence: [command, next], completion: done)
        }, completion: completion)
    }

    /// One call of a batched script on its own, then `next` right behind it on the same connection,
    /// as `evaluate(_:keys:arguments:followedBy:completion:)` does for a plain script.
    public func evaluate(_ batched: RedisBatchedScript, arguments: [String], followedBy next: RedisCommand,
                         completion: @escaping @Sendable (Result<(script: RedisReply, next: RedisReply), RedisError>) -> Void) {
        Self.sendPairFallingBackToSource({ [self] loadingScript, done in
            let connection = nextReadyConnection(in: sequenceConnections)
            if let reason = next.unsupportedReason {
                connection.loop.execute { done([.failure(.unsupportedCommand(reason)), .failure(.unsupportedCommand(reason))]) }
                return
            }
            connection.evaluate(batched, arguments: arguments, loadingScript: loadingScript, followedBy: next, completion: done)
        }, completion: completion)
    }

    /// Sends a script then another command with `send` (EVALSHA), and once more with the script's
    /// source (EVAL) when Redis does not know the script; answers the pair.
    private static func sendPairFallingBackToSource(
        _ send: @escaping @Sendable (_ loadingScript: Bool, _ done: @escaping @Sendable ([Result<RedisReply, RedisError>]) -> Void) -> Void,
        completion: @escaping @Sendable (Result<(script: RedisReply, next: RedisReply), RedisError>) -> Void
    ) {
        send(false) { results in
            if case .failure(let error) = results[0], error.isMissingScript {
                send(true) { completion(pair($0)) }
            } else {
                completion(pair(results))
            }
        }
    }

    private static func pair(_ results: [Result<RedisReply, RedisError>]) -> Result<(script: RedisReply, next: RedisReply), RedisError> {
        results[0].flatMap { script in results[1].map { (script, $0) } }
    }

    /// Where sequences go: the blocking connections when there are any (a WAIT may block).
    private var sequenceConnections: [RedisConnection] {
        blockingConnections.isEmpty ? connections : blockingConnections
    }

    /// The calling loop's own connection when it is up; else round-robin through an atomic counter,
    /// skipping a connection that is down while another is up.
    private func nextReadyConnection(in pool: [RedisConnection]? = nil) -> RedisConnection {
        let pool = pool ?? connections
        if let current = EventLoop.current, let own = pool.first(where: { $0.loop === current && $0.isReady }) {
            return own
        }
        let count = UInt(pool.count)
        let start = nextConnection.wrappingAdd(1, ordering: .relaxed).oldValue
        for offset in 0..<count {
            let connection = pool[Int((start &+ offset) % count)]
            if connection.isReady { return connection }
        }
        return pool[Int(start % count)]
    }

    private static func scriptCommand(_ verb: String, _ script: String, keys: [String], arguments: [String]) -> RedisCommand {
        var command = RedisCommand()
        let byteCount = verb.utf8.count + script.utf8.count + 20
            + keys.reduce(0) { $0 + $1.utf8.count } + arguments.reduce(0) { $0 + $1.utf8.count }
        command.reserveCapacity(argumentCount: 3 + keys.count + arguments.count, byteCount: byteCount)
        command.append(verb)
        command.append(script)
        command.append(String(keys.count))
        for key in keys { command.append(key) }
        for argument in arguments { command.append(argument) }
        return command
    }
}
