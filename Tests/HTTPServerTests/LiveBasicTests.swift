import HTTPServer
import Testing

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
}
