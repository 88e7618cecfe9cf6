import EventLoops
import Glibc
@testable import HTTPServer
import Logging
import Testing
import TestSupport

@Suite struct LiveConnectionTests {
    @Test func keepAliveServesManyRequestsOnOneConnection() async throws {
        let live = try LiveServer()
        let client = try live.client()
        for index in 0..<20 {
            try client.send("GET /n/\(index) HTTP/1.1\r\nHost: t\r\n\r\n")
            let response = try client.readResponse()
            #expect(response.text == "GET n|\(index)  ")
            #expect(response.header("Connection") == nil)
        }
        await live.stop()
    }

    /// One loop, and more loops than cores (the connection may land on any of them).
    @Test(arguments: [1, 5])
    func hundredPipelinedRequestsInOneWriteAreAnsweredInOrder(eventLoopCount: Int) async throws {
        let eventLoops = EventLoopGroup(count: eventLoopCount, name: "pipelined")
        defer { eventLoops.shutdown() }
        let live = try LiveServer(eventLoops: eventLoops)
        let client = try live.client()
        // Every third one finishes later than the ones after it.
        let requests = (0..<100).map { index in
            index % 3 == 0 ? "GET /delay/\(index)/\(30 - index % 30) HTTP/1.1\r\nHost: t\r\n\r\n" : "GET /n/\(index) HTTP/1.1\r\nHost: t\r\n\r\n"
        }
        try client.send(requests.joined())
        for index in 0..<100 {
            let response = try client.readResponse()
            #expect(response.statusCode == 200)
            #expect(response.text.hasPrefix(index % 3 == 0 ? "GET delay|\(index)|" : "GET n|\(index) "), "response \(index): \(response.text)")
        }
        await live.stop()
    }

    @Test func handlersCompletingOutOfOrderAreAnsweredInRequestOrder() async throws {
        let live = try LiveServer()
        let client = try live.client()
        try client.send("GET /delay/first/200 HTTP/1.1\r\nHost: t\r\n\r\nGET /delay/second/0 HTTP/1.1\r\nHost: t\r\n\r\nGET /third HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(try client.readResponse().text.hasPrefix("GET delay|first"))
        #expect(try client.readResponse().text.hasPrefix("GET delay|second"))
        #expect(try client.readResponse().text.hasPrefix("GET third"))
        await live.stop()
    }

    /// The reset arrives with the last bytes; the server must notice it without waiting for a timeout.
    @Test func clientsResettingMidRequestAreReleasedBeforeAnyTimeout() async throws {
        var limits = HTTPServerLimits()
        limits.headerTimeout = .seconds(120)
        limits.idleTimeout = .seconds(120)
        let live = try LiveServer(limits: limits)
        let halfRequests = ["GET /half HTTP/1.1\r\nHost: t\r\n", "POST /half HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\n{"]
        for index in 0..<40 {
            let client = try live.client()
            try client.send(halfRequests[index % 2])
            client.resetOnClose()
        }
        #expect(await eventually(within: .seconds(60)) { live.server.openConnectionCount == 0 })
        await live.stop()
    }

    /// `printf ... | nc`: the client's last request, not the end of its reading.
    @Test func aClientThatShutsDownItsSendingSideGetsEveryAnswerItCompleted() async throws {
        let live = try LiveServer()
        let client = try live.client()
        try client.send("GET /delay/first/100 HTTP/1.1\r\nHost: t\r\n\r\nGET /second HTTP/1.1\r\nHost: t\r\n\r\nGET /incompl")
        client.shutdownWriting()
        let first = try client.readResponse()
        #expect(first.text.hasPrefix("GET delay|first") && first.header("Connection") == nil)
        let second = try client.readResponse()
        #expect(second.text == "GET second  " && second.header("Connection") == "close")
        #expect(try client.readsEndOfFile(), "the incomplete request is dropped")
        #expect(await eventually { live.server.openConnectionCount == 0 })
        await live.stop()
    }

    @Test func aHalfCloseDropsThe100ContinueOfABodyThatWillNeverCome() async throws {
        let live = try LiveServer()
        let client = try live.client()
        try client.send("GET /delay/first/100 HTTP/1.1\r\nHost: t\r\n\r\nPOST /p HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 10\r\n\r\n")
        client.shutdownWriting()
        let first = try client.readResponse()
        #expect(first.statusCode == 200 && first.header("Connection") == "close", "the last answer: \(first.headers)")
        #expect(try client.readsEndOfFile(), "no 100 Continue after it")
        await live.stop()
    }

    @Test func aClientThatShutsDownItsSendingSideWithNothingOwedIsClosed() async throws {
        let live = try LiveServer()
        let client = try live.client()
        try client.send("GET /n HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(try client.readResponse().statusCode == 200)
        try client.send("GET /half")
        client.shutdownWriting()
        #expect(try client.readsEndOfFile())
        #expect(await eventually { live.server.openConnectionCount == 0 })
        await live.stop()
    }

    @Test func slowClientSendingByteByByteIsServed() async throws {
        // About a request arriving in pieces, not about how long: a loaded machine sends them slowly.
        var limits = HTTPServerLimits()
        limits.headerTimeout = .seconds(300)
        limits.bodyTimeout = .seconds(300)
        let live = try LiveServer(limits: limits)
        let client = try live.client()
        for byte in Array("POST /slow HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\n\r\nbody".utf8) {
            try client.send([byte])
            try await Task.sleep(for: .milliseconds(1))
        }
        let response = try client.readResponse()
        #expect(response.text == "POST slow  body")
        await live.stop()
    }

    @Test func headRequestGetsHeadersOnly() async throws {
        let live = try LiveServer()
        let client = try live.client()
        try client.send("HEAD /h HTTP/1.1\r\nHost: t\r\n\r\nGET /after HTTP/1.1\r\nHost: t\r\n\r\n")
        let head = try client.readResponse(isHead: true)
        #expect(head.statusCode == 200)
        #expect(head.header("Content-Length") == "\("HEAD h  ".utf8.count)")
        #expect(head.body.isEmpty)
        #expect(try client.readResponse().text == "GET after  ")
        await live.stop()
    }

    @Test func expectContinueGetsAnInterimResponse() async throws {
        let live = try LiveServer()
        let client = try live.client()
        try client.send("PUT /c HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n")
        let interim = try client.readResponse()
        #expect(interim.statusCode == 100)
        try client.send("{}")
        #expect(try client.readResponse().text == "PUT c  {}")
        await live.stop()
    }

    @Test func chunkedBodyIsDecoded() async throws {
        let live = try LiveServer()
        let client = try live.client()
        try client.send("POST /c HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n")
        #expect(try client.readResponse().text == "POST c  abcde")
        await live.stop()
    }

    @Test func httpOneZeroClosesAfterTheResponse() async throws {
        let live = try LiveServer()
        let client = try live.client()
        try client.send("GET /old HTTP/1.0\r\n\r\n")
        let response = try client.readResponse()
        #expect(response.header("Connection") == "close")
        #expect(try client.readsEndOfFile())
        let keepAlive = try live.client()
        try keepAlive.send("GET /old HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
        #expect(try keepAlive.readResponse().header("Connection") == "keep-alive")
        try keepAlive.send("GET /again HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
        #expect(try keepAlive.readResponse().text == "GET again  ")
        await live.stop()
    }

    @Test func connectionCloseIsHonouredAndLaterRequestsIgnored() async throws {
        let live = try LiveServer()
        let client = try live.client()
        try client.send("GET /one HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\nGET /two HTTP/1.1\r\nHost: t\r\n\r\n")
        let response = try client.readResponse()
        #expect(response.text == "GET one  ")
        #expect(response.header("Connection") == "close")
        #expect(try client.readsEndOfFile())
        await live.stop()
    }

    @Test func unixAndIPv6Listeners() async throws {
        let path = "/tmp/http-server-test-\(UInt32.random(in: 0...UInt32.max)).sock"
        let live = try LiveServer { configuration in
            configuration.addresses = [.unix(path: path), .tcp(host: "::1", port: 0)]
        }
        let unixClient = try TestClient(unixPath: path)
        try unixClient.send("GET /unix HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(try unixClient.readResponse().text == "GET unix  ")
        #expect(live.server.boundPorts.count == 1)
        await live.stop()
    }

    @Test func bindingAnAddressInUseThrowsSocketError() throws {
        let live = try LiveServer()
        var configuration = HTTPServerConfiguration()
        configuration.addresses = [.tcp(host: "127.0.0.1", port: live.port)]
        let second = HTTPServer(configuration: configuration, handler: live.handler, logger: .init(label: "test"))
        #expect(throws: SocketError.self) { try second.start() }
    }

    @Test func aUnixSocketInUseIsNotTakenOverButAStaleOneIs() async throws {
        let path = "/tmp/http-server-test-\(UInt32.random(in: 0...UInt32.max)).sock"
        var configuration = HTTPServerConfiguration()
        configuration.addresses = [.unix(path: path)]
        let live = try LiveServer { $0.addresses = configuration.addresses }
        let second = HTTPServer(configuration: configuration, handler: live.handler, logger: .init(label: "test"))
        let error = try #require(throws: SocketError.self) { try second.start() }
        #expect(error.errno == EADDRINUSE)
        let client = try TestClient(unixPath: path)
        try client.send("GET /still HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(try client.readResponse().text == "GET still  ")
        await live.stop()

        // A socket file nobody listens on any more is stale: a new server takes its place.
        let leftOver = try Socket.listen(on: .unix(path: path))
        leftOver.close()
        let third = try LiveServer { $0.addresses = configuration.addresses }
        let thirdClient = try TestClient(unixPath: path)
        try thirdClient.send("GET /third HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(try thirdClient.readResponse().text == "GET third  ")
        await third.stop()
    }
}
