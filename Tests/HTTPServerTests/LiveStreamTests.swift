import HTTPServer
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Responses whose body the handler sends in parts (HTTPResponder.stream), through TestHandler's
/// `/stream/N/SIZE` and `/stream-abort/N/SIZE`.
@Suite struct LiveStreamTests {
    private static func streamedBody(parts: Int, size: Int) -> [UInt8] {
        TestHandler.streamOpening + (1...parts).flatMap { TestHandler.streamPart($0, size: size) }
    }

    @Test func aStreamedBodyIsChunkedAndTheConnectionServesTheNextRequest() async throws {
        let live = try LiveServer()
        let client = try live.client()
        try client.send("GET /stream/5/1000 HTTP/1.1\r\nHost: t\r\n\r\n")
        let response = try client.readResponse()
        #expect(response.statusCode == 200)
        #expect(response.header("Transfer-Encoding") == "chunked")
        #expect(response.header("Content-Length") == nil)
        #expect(response.header("Connection") == nil)
        #expect(response.body == Self.streamedBody(parts: 5, size: 1000))
        try client.send("GET /after HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(try client.readResponse().text == "GET after  ")
        await live.stop()
    }

    @Test func anHTTP10StreamIsEndedByClosingTheConnection() async throws {
        let live = try LiveServer()
        let client = try live.client()
        try client.send("GET /stream/3/100 HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /ignored HTTP/1.0\r\n\r\n")
        let response = try client.readResponse()
        #expect(response.header("Transfer-Encoding") == nil && response.header("Content-Length") == nil)
        #expect(response.header("Connection") == "close")
        #expect(response.body == Self.streamedBody(parts: 3, size: 100))
        #expect(try client.readsEndOfFile(), "the pipelined request after it is not answered")
        await live.stop()
    }

    @Test func aStreamWaitsBehindTheAnswersOwedBeforeIt() async throws {
        let live = try LiveServer()
        let client = try live.client()
        try client.send("GET /delay/a/100 HTTP/1.1\r\nHost: t\r\n\r\nGET /stream/3/10 HTTP/1.1\r\nHost: t\r\n\r\nGET /last HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(try client.readResponse().text == "GET delay|a|100  ")
        #expect(try client.readResponse().body == Self.streamedBody(parts: 3, size: 10))
        #expect(try client.readResponse().text == "GET last  ")
        await live.stop()
    }

    @Test func aHeadRequestGetsTheStreamsHeadWithoutItsBody() async throws {
        let live = try LiveServer()
        let client = try live.client()
        try client.send("HEAD /stream/3/10 HTTP/1.1\r\nHost: t\r\n\r\nGET /after HTTP/1.1\r\nHost: t\r\n\r\n")
        let head = try client.readResponse(isHead: true)
        #expect(head.statusCode == 200 && head.header("Transfer-Encoding") == "chunked")
        #expect(try client.readResponse().text == "GET after  ", "no body came between the two")
        // Its maker is told at its first write that no body is wanted, and makes no more.
        #expect(await eventually { live.handler.streamRecord.stopped == 1 })
        #expect(live.handler.streamRecord.partsMade == 1)
        await live.stop()
    }

    @Test func aMakerWaitingBehindEarlierAnswersIsToldOnceThatHEADWantsNoBody() async throws {
        let live = try LiveServer()
        let client = try live.client()
        // The stream's first part waits behind the delayed answer; once its head goes out, the
        // HEAD ends it and, the last request, the connection: its maker hears false once.
        try client.send("GET /delay/a/100 HTTP/1.1\r\nHost: t\r\n\r\nHEAD /stream/3/10 HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
        #expect(try client.readResponse().text == "GET delay|a|100  ")
        #expect(try client.readResponse(isHead: true).header("Connection") == "close")
        #expect(try client.readsEndOfFile())
        #expect(await eventually { live.handler.streamRecord.stopped >= 1 })
        try await Task.sleep(for: .milliseconds(100))
        #expect(live.handler.streamRecord.stopped == 1 && live.handler.streamRecord.partsMade == 1)
        await live.stop()
    }

    @Test func aSlowReaderHoldsTheMakerBack() async throws {
        let live = try LiveServer()
        let client = try TestClient(port: live.port, receiveBufferBytes: 4096)
        let parts = 2000, size = 10_000
        try client.send("GET /stream/\(parts)/\(size) HTTP/1.1\r\nHost: t\r\n\r\n")
        // 20 MB asked for; without holding back, all of it would be made at once. The kernel takes
        // at most a few MB (the send buffer grows to 4 MiB) while the client reads nothing.
        #expect(await eventually { live.handler.streamRecord.partsMade > 0 })
        try await Task.sleep(for: .milliseconds(500))
        let madeWhileNotReading = live.handler.streamRecord.partsMade
        #expect(madeWhileNotReading < parts / 2, "\(madeWhileNotReading) parts made while the client read nothing")
        let response = try client.readResponse()
        #expect(response.body == Self.streamedBody(parts: parts, size: size))
        #expect(live.handler.streamRecord.partsMade == parts)
        await live.stop()
    }

    @Test func anAbortedStreamEndsWithoutItsLastChunkAndCloses() async throws {
        let live = try LiveServer()
        let client = try live.client()
        try client.send("GET /stream-abort/3/100 HTTP/1.1\r\nHost: t\r\n\r\nGET /never-answered HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(throws: TestClient.Failure.self) { try client.readResponse() }
        #expect(try client.readsEndOfFile())
        await live.stop()
    }

    @Test func requestsArrivingAfterAnAbortAreNotRead() async throws {
        // A Unix socket's send buffer is fixed (about 200 KB, no autotuning): of a 300 KB part the
        // client does not read, part stays in the connection's output, under the 256 KiB past which
        // it stops reading anyway, so only the abort itself can keep the next request unread.
        let path = "/tmp/http-server-test-\(UInt32.random(in: 0...UInt32.max)).sock"
        let live = try LiveServer { configuration in configuration.addresses = [.unix(path: path)] }
        let client = try TestClient(unixPath: path)
        // The handler writes its part and aborts within the handle call: once the part is made,
        // the abort is in.
        try client.send("GET /stream-abort-now/300000 HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(await eventually { live.handler.streamRecord.partsMade == 1 })
        try client.send("GET /never HTTP/1.1\r\nHost: t\r\n\r\n")
        try await Task.sleep(for: .milliseconds(200))
        #expect(live.handler.heldCount == 0, "a request read after the abort, whose answer would never come")
        #expect(throws: TestClient.Failure.self) { try client.readResponse() }
        #expect(live.handler.heldCount == 0)
        await live.stop()
    }

    @Test func anAbortedHTTP10StreamEndsWithAResetNotAnOrderlyClose() async throws {
        let live = try LiveServer()
        let client = try live.client()
        try client.send("GET /stream-abort/3/100 HTTP/1.0\r\n\r\n")
        var received = 0
        var buffer = [UInt8](repeating: 0, count: 4096)
        var result = 0
        repeat {
            result = buffer.withUnsafeMutableBytes { recv(client.descriptor, $0.baseAddress, $0.count, 0) }
            received += max(result, 0)
        } while result > 0
        #expect(result < 0 && errno == ECONNRESET, "an orderly close would pass for the body's end (\(received) bytes)")
        #expect(received > 300, "the head and the parts sent came before the reset")
        await live.stop()
    }

    @Test func aClientThatLeavesStopsTheMaker() async throws {
        let live = try LiveServer()
        do {
            let client = try TestClient(port: live.port, receiveBufferBytes: 4096)
            try client.send("GET /stream/100000/10000 HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(await eventually { live.handler.streamRecord.partsMade > 0 })
            client.resetOnClose()
        }
        #expect(await eventually { live.handler.streamRecord.stopped == 1 })
        #expect(live.handler.streamRecord.partsMade < 100_000)
        await live.stop()
    }
}
