import EventLoops
import Logging
import Synchronization

/// Asks the sentinels where the master is, and tells the client when they switch it.
///
/// One command connection per sentinel answers `SENTINEL get-master-addr-by-name`; one subscriber
/// connection per sentinel listens for `+switch-master`, so a failover is followed at once instead
/// of at the next error (connection loss, `READONLY`), which would be followed as well.
final class SentinelMonitor: Sendable {
    private let masterName: String
    private let queries: [RedisConnection]
    private let watchers: [RedisConnection]
    /// The sentinel that answered last: asked first next time.
    private let preferred = Atomic<Int>(0)

    init(configuration: RedisConfiguration, sentinel: SentinelConfiguration, eventLoops: EventLoopGroup, logger: Logger) {
        masterName = sentinel.masterName
        func connection(to endpoint: RedisConfiguration.Endpoint, index: Int, role: RedisConnection.Role) -> RedisConnection {
            var sentinelConfiguration = configuration
            sentinelConfiguration.endpoint = endpoint
            sentinelConfiguration.sentinel = nil
            sentinelConfiguration.username = sentinel.username
            sentinelConfiguration.password = sentinel.password
            sentinelConfiguration.database = 0
            let label = role == .commands ? "sentinel-\(index)" : "sentinel-\(index)-events"
            return RedisConnection(configuration: sentinelConfiguration, role: role, label: label, loop: eventLoops.nextLoop(), logger: logger)
        }
        queries = sentinel.sentinels.enumerated().map { connection(to: $1, index: $0, role: .commands) }
        watchers = sentinel.sentinels.enumerated().map { connection(to: $1, index: $0, role: .subscriber) }
    }

    func connect() {
        for connection in queries + watchers { connection.connect() }
    }

    func close() {
        for connection in queries + watchers { connection.close() }
    }

    /// `onSwitch` gets the new master's endpoint whenever a sentinel announces a failover of ours.
    func watchSwitches(_ onSwitch: @escaping @Sendable (RedisConfiguration.Endpoint) -> Void) {
        let masterName = masterName
        for watcher in watchers {
            watcher.subscribe(channel: "+switch-master") { message in
                // "<master-name> <old-ip> <old-port> <new-ip> <new-port>"
                let fields = String(decoding: message, as: UTF8.self).split(separator: " ")
                guard fields.count == 5, fields[0] == masterName, let port = Int(fields[4]) else { return }
                onSwitch(.tcp(host: String(fields[3]), port: port))
            }
        }
    }

    /// The master's endpoint from the first sentinel that knows it, or why none does.
    func resolveMaster(completion: @escaping @Sendable (Result<RedisConfiguration.Endpoint, MasterResolutionFailure>) -> Void) {
        let start = preferred.load(ordering: .relaxed) % max(queries.count, 1)
        ask(start, remaining: queries.count, failures: [], completion: completion)
    }

    private func ask(
        _ index: Int, remaining: Int, failures: [String],
        completion: @escaping @Sendable (Result<RedisConfiguration.Endpoint, MasterResolutionFailure>) -> Void
    ) {
        guard remaining > 0 else {
            return completion(.failure(MasterResolutionFailure(reason: "no sentinel named master \(masterName): " + failures.joined(separator: "; "))))
        }
        let sentinel = queries[index]
        sentinel.send(RedisCommand("SENTINEL", "get-master-addr-by-name", masterName)) { [self] result in
            switch Self.masterEndpoint(from: result) {
            case .success(let endpoint):
                preferred.store(index, ordering: .relaxed)
                completion(.success(endpoint))
            case .failure(let failure):
                ask((index + 1) % queries.count, remaining: remaining - 1,
                    failures: failures + ["\(sentinel.endpointDescription) \(failure.reason)"], completion: completion)
            }
        }
    }

    private static func masterEndpoint(from result: Result<RedisReply, RedisError>) -> Result<RedisConfiguration.Endpoint, MasterResolutionFailure> {
        switch result {
        case .success(.null):
            .failure(MasterResolutionFailure(reason: "does not monitor it"))
        case .success(let reply):
            if let fields = reply.array, fields.count == 2, let host = fields[0].string, let port = fields[1].string.flatMap({ Int($0) }) {
                .success(.tcp(host: host, port: port))
            } else {
                .failure(MasterResolutionFailure(reason: "answered \(reply)"))
            }
        case .failure(let error):
            .failure(MasterResolutionFailure(reason: error.description))
        }
    }
}

/// Why no sentinel named the master.
struct MasterResolutionFailure: Error {
    let reason: String
}
