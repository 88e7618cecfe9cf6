import HTTPServer
import Logging
import Testing
import TestSupport

@Suite struct LiveBasicTests {
    @Test func answersASimpleRequest() async throws {
        let live = try LiveServer()
        let client = try live.client()
        try client.send("GET /a/b%20c?x=1&y=a+b HTTP/1.1\r\nHost: t\r\n\r\n")
        let response = try client.readResponse()
        #expect(response.statusCode == 200)
        #expect(response.text == "GET a|b c x=1&y=a b ")
        #expect(response.header("Content-Type") == "text/plain")
        #expect(response.header("Date")?.hasSuffix(" GMT") == true)
        await live.stop()
    }

    @Test func theListeningLineNamesThePortsTheSystemChose() async throws {
        let lines = CapturedLines()
        let socketPath = "/tmp/http-server-test-listen-\(UInt32.random(in: 0...UInt32.max)).sock"
        let live = try LiveServer(logger: Logger(label: "listen", factory: { _ in CapturingLogHandler(lines: lines, withMetadata: true) })) {
            $0.addresses = [.tcp(host: "127.0.0.1", port: 0), .unix(path: socketPath)]
        }
        #expect(live.port > 0)
        #expect(lines.all == ["listening addresses=127.0.0.1:\(live.port), unix:\(socketPath)"])
        await live.stop()
    }
}
