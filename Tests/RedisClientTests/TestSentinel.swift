import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A Redis Sentinel of one test (RS_TEST_REDIS_SERVER in sentinel mode) monitoring `masterPort`.
final class TestSentinel {
    static let masterName = "testmaster"
    let port: Int
    private let directory: URL
    private var process: Process?

    init(monitoring masterPort: Int) async throws {
        port = try TestRedisServer.freePortForTests()
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("rc-sentinel-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let config = directory.appendingPathComponent("sentinel.conf")
        let log = directory.appendingPathComponent("sentinel.log")
        try """
            port \(port)
            bind 127.0.0.1
            dir \(directory.path)
            logfile \(log.path)
            sentinel monitor \(Self.masterName) 127.0.0.1 \(masterPort) 1

            """.write(to: config, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try TestEnvironment.variable("RS_TEST_REDIS_SERVER"))
        process.arguments = [config.path, "--sentinel"]
        try process.run()
        self.process = process
        let ready = await TestEnvironment.eventually(within: .seconds(10)) {
            ((try? String(contentsOf: log, encoding: .utf8)) ?? "").contains("+monitor master")
        }
        guard ready else { throw TestRedisServer.ServerDidNotStart(log: (try? String(contentsOf: log, encoding: .utf8)) ?? "(no log)") }
    }

    deinit {
        if let process, process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: directory)
    }
}
