import HTTPServer
import Synchronization
import TestSupport
import Testing

@Suite struct LiveShutdownTests {
    @Test func shutdownFinishesInFlightRequestsAndClosesIdleOnes() async throws {
        let live = try LiveServer()
        let idle = try live.client()
        try idle.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(try idle.readResponse().statusCode == 200)
        let busy = try live.client()
        try busy.send("GET /never HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(await eventually { live.handler.heldCount == 1 })

        let done = Atomic<Bool>(false)
        live.server.shutdown { done.store(true, ordering: .releasing) }
        #expect(try idle.readsEndOfFile())
        let finishedEarly = done.load(ordering: .acquiring)
        #expect(!finishedEarly)
        #expect(throws: (any Error).self) { try live.client().readResponse() }

        live.handler.release()
        let response = try busy.readResponse()
        #expect(response.text == "released")
        #expect(response.header("Connection") == "close")
        #expect(try busy.readsEndOfFile())
        #expect(await eventually { done.load(ordering: .acquiring) })
    }

    @Test func shutdownClosesStragglersAtTheGraceDeadline() async throws {
        var limits = HTTPServerLimits()
        limits.shutdownGracePeriod = .milliseconds(200)
        let live = try LiveServer(limits: limits)
        let busy = try live.client()
        try busy.send("GET /never HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(await eventually { live.handler.heldCount == 1 })
        await live.stop()
        #expect(try busy.readsEndOfFile())
        #expect(live.server.openConnectionCount == 0)
        live.handler.release()
    }
}
