import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A redis-server of one test (RS_TEST_REDIS_SERVER), for restarting it, passwords, sockets, DEBUG.
final class TestRedisServer {
    let port: Int
    let directory: URL
    private let extraArguments: [String]
    private var process: ChildProcess?

    var url: String { "redis://127.0.0.1:\(port)" }
    var socketPath: String { directory.appendingPathComponent("redis.sock").path }

    /// `unixSocket`: also listen on `socketPath`.
    init(_ extraArguments: [String] = [], unixSocket: Bool = false) throws {
        port = try Self.freePort()
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("rc-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let socketArguments = ["--unixsocket", directory.appendingPathComponent("redis.sock").path, "--unixsocketperm", "700"]
        self.extraArguments = extraArguments + (unixSocket ? socketArguments : [])
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(at: directory)
    }

    /// Starts the server and waits (bounded) until it accepts connections.
    func start() async throws {
        let logFile = directory.appendingPathComponent("redis-\(UUID().uuidString).log")
        self.process = try ChildProcess(executable: try TestEnvironment.variable("RS_TEST_REDIS_SERVER"), arguments: [
            "--port", "\(port)", "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
            "--dir", directory.path, "--logfile", logFile.path, "--daemonize", "no",
            "--enable-debug-command", "yes",
        ] + extraArguments)
        let ready = await TestEnvironment.eventually(within: .seconds(30)) {
            TestSupport.loggedText(at: logFile).contains("Ready to accept connections")
        }
        guard ready else {
            throw ServerDidNotStart(log: TestSupport.loggedText(at: logFile))
        }
    }

    /// Kills the server at once (SIGKILL: as if it crashed) and waits for it to exit.
    func stop() {
        guard let process else { return }
        process.send(SIGKILL)
        process.waitUntilExit()
        self.process = nil
    }

    /// SIGSTOP / SIGCONT: a Redis that stops answering while its TCP connections stay up.
    func send(_ signal: Int32) {
        process?.send(signal)
    }

    struct ServerDidNotStart: Error, CustomStringConvertible {
        let log: String
        var description: String { "redis-server did not start:\n\(log)" }
    }

    static func freePortForTests() throws -> Int {
        try freePort()
    }

    private static func freePort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        return try bindToFreePort(descriptor)
    }

    /// Binds `descriptor` to a free loopback port and returns the port.
    static func bindToFreePort(_ descriptor: Int32) throws -> Int {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                bind(descriptor, socketAddress, length) == 0 && getsockname(descriptor, socketAddress, &length) == 0
            }
        }
        guard bound else { throw POSIXError(.EADDRINUSE) }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
