import Dispatch
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

/// A Redis client over hiredis's async API: `connectionCount` pipelined command connections used
/// round-robin, plus one subscriber connection created on the first `subscribe`.
public final class RedisClient: Sendable {
    private let connections: [RedisConnection]
    private let subscriber: RedisConnection
    private let nextConnection = Atomic<UInt>(0)
    private let metrics = RedisMetrics()

    public init(configuration: RedisConfiguration, logger: Logger) {
        _ = ignoreBrokenPipeSignal
        connections = (0..<max(configuration.connectionCount, 1)).map { index in
            RedisConnection(configuration: configuration, role: .commands, label: "\(index)", logger: logger)
        }
        subscriber = RedisConnection(configuration: configuration, role: .subscriber, label: "subscriber", logger: logger)
    }

    deinit {
        close()
    }

    /// Starts connecting in the background; returns at once. Reconnects with backoff until close().
    /// Commands sent before the first connect attempt has finished wait for it (they fail with
    /// `notConnected` if it fails); while Redis is known to be away they fail fast.
    public func connect() {
        for connection in connections { connection.connect() }
        subscriber.connect()
    }

    /// completion runs exactly once, on a queue of the client: do not block in it.
    public func send(_ command: RedisCommand, completion: @escaping @Sendable (Result<RedisReply, RedisError>) -> Void) {
        let connection = nextReadyConnection()
        if let reason = command.unsupportedReason {
            connection.queue.async { completion(.failure(.unsupportedCommand(reason))) }
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

    /// A dedicated connection in subscribe mode; subscribes again after every reconnect.
    /// onMessage runs on that connection's queue: do not block in it. Messages published while the
    /// connection is down are lost (Redis pub/sub keeps nothing).
    public func subscribe(channel: String, onMessage: @escaping @Sendable ([UInt8]) -> Void) {
        subscriber.subscribe(channel: channel, onMessage: onMessage)
    }

    /// At least one command connection is up.
    public var isConnected: Bool {
        connections.contains { $0.isReady }
    }

    /// Closes every connection; commands still pending fail with connectionLost.
    public func close() {
        for connection in connections { connection.close() }
        subscriber.close()
    }

    /// Round-robin through an atomic counter; a connection that is down is skipped while another is up.
    private func nextReadyConnection() -> RedisConnection {
        let count = UInt(connections.count)
        let start = nextConnection.wrappingAdd(1, ordering: .relaxed).oldValue
        for offset in 0..<count {
            let connection = connections[Int((start &+ offset) % count)]
            if connection.isReady { return connection }
        }
        return connections[Int(start % count)]
    }

    private static func scriptCommand(_ verb: String, _ script: String, keys: [String], arguments: [String]) -> RedisCommand {
        var command = RedisCommand()
        command.append(verb)
        command.append(script)
        command.append(String(keys.count))
        for key in keys { command.append(key) }
        for argument in arguments { command.append(argument) }
        return command
    }
}
