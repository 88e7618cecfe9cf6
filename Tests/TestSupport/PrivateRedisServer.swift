import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A redis-server of one test (RS_TEST_REDIS_SERVER from scripts/with-test-redis.sh) on a Unix socket
/// of its own and no TCP port: for commands that act on the whole server (SCRIPT FLUSH, CONFIG SET,
/// CLIENT PAUSE), which must never reach the test Redis that tests running in parallel share.
/// Clients connect once it listens (RedisClient retries); it is killed when released.
public final class PrivateRedisServer {
    public let url: String
    private let directory: URL
    private let process: ChildProcess

    public struct NoServerBinary: Error {}

    public init() throws {
        guard let binary = ProcessInfo.processInfo.environment["RS_TEST_REDIS_SERVER"] else { throw NoServerBinary() }
        // Short: a socket path may have at most 107 bytes.
        directory = URL(fileURLWithPath: "/tmp/rs-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let socket = directory.appendingPathComponent("redis.sock").path
        url = "unix://" + socket
        process = try ChildProcess(executable: binary, arguments: [
            "--port", "0", "--unixsocket", socket, "--save", "", "--appendonly", "no",
            "--dir", directory.path, "--logfile", directory.appendingPathComponent("redis.log").path,
        ])
    }

    deinit {
        process.send(SIGKILL)
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: directory)
    }
}
