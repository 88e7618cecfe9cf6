import Synchronization

/// The scripts every command connection of a client loads as soon as it connects (see
/// RedisClient.preload); shared by the client and its connections.
final class ScriptPreloads: Sendable {
    private let scripts = Mutex<[RedisScript]>([])

    var all: [RedisScript] { scripts.withLock { $0 } }

    func add(_ new: [RedisScript]) {
        scripts.withLock { scripts in
            for script in new where !scripts.contains(script) { scripts.append(script) }
        }
    }
}
