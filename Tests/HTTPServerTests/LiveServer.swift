import Dispatch
import EventLoops
import HTTPServer
import Logging

/// A server on an ephemeral loopback port for one test; `stop()` waits for its shutdown.
struct LiveServer {
    let server: HTTPServer
    let handler: TestHandler
    let port: Int

    init(limits: HTTPServerLimits = HTTPServerLimits(), eventLoops: EventLoopGroup = .shared, logger: Logger = Logger(label: "test"),
         configure: (inout HTTPServerConfiguration) -> Void = { _ in }) throws {
        var configuration = HTTPServerConfiguration()
        configuration.addresses = [.tcp(host: "127.0.0.1", port: 0)]
        configuration.limits = limits
        configure(&configuration)
        handler = TestHandler()
        server = HTTPServer(configuration: configuration, handler: handler, eventLoops: eventLoops, logger: logger)
        try server.start()
        port = server.boundPorts.first ?? 0
    }

    func client() throws -> TestClient {
        try TestClient(port: port)
    }

    func stop() async {
        await withCheckedContinuation { continuation in
            server.shutdown { continuation.resume() }
        }
    }
}
