import Dispatch
import HTTPServer
import Logging

#if canImport(Glibc)
import Glibc
#endif

// The HTTP layer alone for `make bench`: `HTTPBench PORT` serves FixedResponseHandler on
// 127.0.0.1:PORT until killed.
func fail(_ message: String, code: Int32) -> Never {
    var line = message + "\n"
    line.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
    exit(code)
}

guard CommandLine.arguments.count == 2, let port = Int(CommandLine.arguments[1]), (1...65535).contains(port) else {
    fail("usage: HTTPBench PORT", code: 2)
}
var configuration = HTTPServerConfiguration()
configuration.addresses = [.tcp(host: "127.0.0.1", port: port)]
var logger = Logger(label: "http-bench")
logger.logLevel = .warning
let server = HTTPServer(configuration: configuration, handler: FixedResponseHandler(), logger: logger)
do {
    try server.start()
} catch {
    fail("HTTPBench: cannot listen on 127.0.0.1:\(port): \(error)", code: 1)
}
signal(SIGPIPE, SIG_IGN)
dispatchMain()
