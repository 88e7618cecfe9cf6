import HTTPServer
import TestSupport
import Testing

@Suite struct LiveLimitTests {
    @Test func oversizeHeadersGet431AndClose() async throws {
        let live = try LiveServer()
        let client = try live.client()
        try client.send("GET / HTTP/1.1\r\nHost: t\r\nX-Big: " + String(repeating: "a", count: 20_000) + "\r\n\r\n")
        let response = try client.readResponse()
        #expect(response.statusCode == 431)
        #expect(response.header("Connection") == "close")
        #expect(try client.readsEndOfFile())
        await live.stop()
    }

    @Test func oversizeBodyGets413AndClose() async throws {
        let live = try LiveServer()
        let client = try live.client()
        try client.send("PUT /x HTTP/1.1\r\nHost: t\r\nContent-Length: 70000\r\n\r\n" + String(repeating: "a", count: 70_000))
        let response = try client.readResponse()
        #expect(response.statusCode == 413)
        #expect(try client.readsEndOfFile())
        await live.stop()
    }

    @Test func theServersOwnAnswerToAHeadRequestHasNoContent() async throws {
        let live = try LiveServer()
        let client = try live.client()
        try client.send("HEAD /h HTTP/1.1\r\nHost: t\r\nContent-Length: 100000000\r\n\r\n")
        let response = try client.readResponse(isHead: true)
        #expect(response.statusCode == 413 && response.header("Content-Length") != "0")
        #expect(try client.readsEndOfFile(), "no body after the head")
        await live.stop()
    }

    @Test func badRequestAfterGoodOnesIsAnsweredInOrder() async throws {
        let live = try LiveServer()
        let client = try live.client()
        try client.send("GET /delay/a/50 HTTP/1.1\r\nHost: t\r\n\r\nGET / HTTP/9.9\r\nHost: t\r\n\r\n")
        #expect(try client.readResponse().statusCode == 200)
        let refused = try client.readResponse()
        #expect(refused.statusCode == 505)
        #expect(refused.text == "HTTP Version Not Supported\n")
        #expect(try client.readsEndOfFile())
        await live.stop()
    }

    @Test func slowlorisGets408AndClose() async throws {
        var limits = HTTPServerLimits()
        limits.headerTimeout = .milliseconds(200)
        let live = try LiveServer(limits: limits)
        let client = try live.client()
        try client.send("GET / HTTP/1.1\r\nHost: t\r\n")
        let response = try client.readResponse()
        #expect(response.statusCode == 408)
        #expect(try client.readsEndOfFile())
        await live.stop()
    }

    @Test func bodyTricklingInGets408WhileBytesStillArrive() async throws {
        var limits = HTTPServerLimits()
        limits.bodyTimeout = .milliseconds(300)
        limits.idleTimeout = .seconds(30)
        let live = try LiveServer(limits: limits)
        let client = try live.client()
        try client.send("PUT / HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\n")
        // One byte every 50 ms: progress all along, yet the body as a whole is late.
        for _ in 0..<20 {
            guard (try? client.send("x")) != nil else { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(try client.readResponse().statusCode == 408)
        #expect(try client.readsEndOfFile())
        await live.stop()
    }

    @Test func silentNewConnectionGets408AndClose() async throws {
        var limits = HTTPServerLimits()
        limits.headerTimeout = .milliseconds(200)
        let live = try LiveServer(limits: limits)
        let client = try live.client()
        #expect(try client.readResponse().statusCode == 408)
        #expect(try client.readsEndOfFile())
        await live.stop()
    }

    @Test func idleKeepAliveConnectionIsClosed() async throws {
        var limits = HTTPServerLimits()
        limits.idleTimeout = .milliseconds(200)
        let live = try LiveServer(limits: limits)
        let client = try live.client()
        try client.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(try client.readResponse().statusCode == 200)
        #expect(try client.readsEndOfFile())
        #expect(await eventually { live.server.openConnectionCount == 0 })
        await live.stop()
    }

    /// A server with `idleTimeout`, and a client with a fixed 64 KiB receive buffer that has asked
    /// for `size` bytes: what does not fit the two sockets' buffers (ours is 4 MiB at most) is
    /// written only as the client reads.
    private func largeAnswer(size: Int, idleTimeout: Duration) throws -> (LiveServer, TestClient) {
        var limits = HTTPServerLimits()
        limits.idleTimeout = idleTimeout
        let live = try LiveServer(limits: limits)
        let client = try TestClient(port: live.port, receiveBufferBytes: 65536)
        try client.send("GET /big/\(size) HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
        return (live, client)
    }

    /// 16 MiB read at 64 KiB per 10 ms at most takes longer than the idle timeout, while each write
    /// makes progress well within it. A client that stops reading for the idle timeout is rightly
    /// cut, so an attempt cut after the test process was stalled or starved (a quarter of the
    /// timeout or more between two reads) proves nothing and is made again, twice at most.
    @Test func aLargeAnswerReadSteadilyIsWrittenWholePastTheIdleTimeout() async throws {
        let size = 16 << 20
        let idleTimeout = Duration.seconds(1)
        for attempt in 1...3 {
            let started = ContinuousClock.now
            let (live, client) = try largeAnswer(size: size, idleTimeout: idleTimeout)
            let (received, longestGap) = try client.readUntilEndOfFile(pausingForMicroseconds: 10000)
            let elapsed = ContinuousClock.now - started
            await live.stop()
            if received <= size && longestGap >= idleTimeout / 4 && attempt < 3 { continue }
            #expect(received > size, "the whole body and its head (at most \(longestGap) between two reads)")
            #expect(elapsed > idleTimeout, "the write outlasted the idle timeout")
            return
        }
    }

    @Test func aLargeAnswerTheClientDoesNotReadIsCutAtTheIdleTimeout() async throws {
        let (live, client) = try largeAnswer(size: 16 << 20, idleTimeout: .milliseconds(300))
        #expect(await eventually { live.server.openConnectionCount == 0 })
        withExtendedLifetime(client) {}
        await live.stop()
    }

    @Test func connectionsOverTheLimitAreRefusedWhileOthersKeepWorking() async throws {
        var limits = HTTPServerLimits()
        limits.maximumConnections = 2
        let live = try LiveServer(limits: limits)
        let first = try live.client()
        let second = try live.client()
        try first.send("GET /1 HTTP/1.1\r\nHost: t\r\n\r\n")
        try second.send("GET /2 HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(try first.readResponse().statusCode == 200)
        #expect(try second.readResponse().statusCode == 200)
        let refused = try live.client()
        #expect(try refused.readsEndOfFile())
        try first.send("GET /again HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(try first.readResponse().text == "GET again  ")
        await live.stop()
    }

    @Test func pipelinedBacklogStopsReadingUntilItDrains() async throws {
        var limits = HTTPServerLimits()
        limits.maximumPipelinedRequests = 4
        let live = try LiveServer(limits: limits)
        let client = try live.client()
        try client.send(String(repeating: "GET /never HTTP/1.1\r\nHost: t\r\n\r\n", count: 10))
        for expectedBatch in [4, 4, 2] {
            #expect(await eventually { live.handler.heldCount == expectedBatch })
            #expect(live.handler.heldCount == expectedBatch)
            live.handler.release()
            for _ in 0..<expectedBatch { #expect(try client.readResponse().text == "released") }
        }
        await live.stop()
    }

    /// A close (FIN) cannot be told from a half-close: a connection owed an answer stays until it is
    /// written (to a peer that then resets); a reset or an incomplete request ends it at once.
    @Test func abruptClosesAreCleanedUpWithoutHarm() async throws {
        let live = try LiveServer()
        do {
            let midRequest = try live.client()
            try midRequest.send("POST /x HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\npartial")
            let resetMidResponse = try live.client()
            resetMidResponse.resetOnClose()
            try resetMidResponse.send("GET /never HTTP/1.1\r\nHost: t\r\n\r\n")
            let closedMidResponse = try live.client()
            try closedMidResponse.send("GET /never HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(await eventually { live.handler.heldCount == 2 })
        }
        #expect(await eventually { live.server.openConnectionCount == 1 })
        live.handler.release()
        #expect(await eventually { live.server.openConnectionCount == 0 })
        let client = try live.client()
        try client.send("GET /fine HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(try client.readResponse().text == "GET fine  ")
        await live.stop()
    }

    @Test func aThousandConcurrentConnections() async throws {
        let live = try LiveServer()
        let clients = try (0..<1000).map { _ in try live.client() }
        for (index, client) in clients.enumerated() {
            try client.send("GET /c/\(index) HTTP/1.1\r\nHost: t\r\n\r\n")
        }
        #expect(await eventually { live.server.openConnectionCount == 1000 })
        for (index, client) in clients.enumerated() {
            #expect(try client.readResponse().text == "GET c|\(index)  ")
        }
        await live.stop()
        #expect(live.server.openConnectionCount == 0)
    }
}
