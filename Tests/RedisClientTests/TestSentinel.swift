import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A Redis Sentinel of one test (RS_TEST_REDIS_SERVER in sentinel mode) monitoring `masterPort`.
final class TestSentinel {
    static let masterName = "testmaster"
    let port: Int
    private let directory: URL
    private let process: ChildProcess

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
        process = try ChildProcess(executable: try TestEnvironment.variable("RS_TEST_REDIS_SERVER"), arguments: [config.path, "--sentinel"])
        let ready = await TestEnvironment.eventually(within: .seconds(30)) {
            TestSupport.loggedText(at: log).contains("+monitor master")
        }
        guard ready else { throw TestRedisServer.ServerDidNotStart(log: TestSupport.loggedText(at: log)) }
    }

    deinit {
        process.send(SIGKILL)
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: directory)
    }
}
