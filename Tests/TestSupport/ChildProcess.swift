import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A child process started with posix_spawn: stdin from /dev/null, every descriptor above 2 closed in
/// the child (so it holds none of the test's sockets), no signal blocked or ignored (so SIGTERM ends
/// it), the environment inherited.
///
/// Not Foundation's Process: with Swift 6.3 on Linux its run() now and then crashes the whole test
/// process (an over-read while it lists /proc/self/fd, swift-corelibs-foundation pull request 5472),
/// the likelier the more descriptors the tests running beside it hold open.
public final class ChildProcess: Sendable {
    public let processIdentifier: pid_t

    public struct SpawnError: Error, CustomStringConvertible {
        public let errno: Int32
        public let call: String
        public var description: String { "\(call): errno \(errno)" }
    }

    public init(executable: String, arguments: [String]) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        try Self.closeFrom(3, in: &actions)
        let environment = ProcessInfo.processInfo.environment.map { "\($0.key)=\($0.value)" }
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup($0) } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard result == 0 else { throw SpawnError(errno: result, call: "posix_spawn \(executable)") }
        processIdentifier = pid
    }

    /// posix_spawn_file_actions_addclosefrom_np (glibc 2.34), looked up at run time: Swift's Glibc
    /// module does not declare it.
    private static func closeFrom(_ descriptor: Int32, in actions: inout posix_spawn_file_actions_t) throws {
        typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
        guard let symbol = dlsym(dlopen(nil, RTLD_NOW), "posix_spawn_file_actions_addclosefrom_np") else {
            throw SpawnError(errno: ENOSYS, call: "posix_spawn_file_actions_addclosefrom_np")
        }
        let result = unsafeBitCast(symbol, to: AddCloseFrom.self)(&actions, descriptor)
        guard result == 0 else { throw SpawnError(errno: result, call: "posix_spawn_file_actions_addclosefrom_np") }
    }

    /// Sends `signal` unless the child has exited (a reaped pid may belong to another process by now).
    public func send(_ signal: Int32) {
        if isRunning { kill(processIdentifier, signal) }
    }

    /// Whether the child has not exited yet; reaps it if it has.
    public var isRunning: Bool {
        var status: Int32 = 0
        return waitpid(processIdentifier, &status, WNOHANG) == 0
    }

    /// Waits until the child has exited and reaps it.
    public func waitUntilExit() {
        var status: Int32 = 0
        while waitpid(processIdentifier, &status, 0) == -1 && errno == EINTR {}
    }
}
