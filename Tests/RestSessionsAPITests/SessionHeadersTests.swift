import Testing

@testable import RestSessionsAPI

@Suite struct SessionHeadersTests {
    @Test(arguments: [
        ("user1", "user1"),
        ("a:b@example.org", "a:b@example.org"),
        ("50%", "50%25"),
        ("two words", "two%20words"),
        ("tab\there", "tab%09here"),
        ("nul\u{0}del\u{7F}", "nul%00del%7F"),
        ("ü", "%C3%BC"),
    ])
    func anIdIsPercentEncodedBeyondVisibleASCII(id: String, header: String) {
        #expect(SessionHeaders.percentEncodedID(id) == header)
    }

    @Test func dataIsRewrittenAsCompactASCIIJSON() {
        #expect(SessionHeaders.asciiJSON(data: nil) == "{}")
        #expect(SessionHeaders.asciiJSON(data: #"{"a":"x\u0001y","b":"\#u{7F}"}"#) == #"{"a":"x\u0001y","b":"\u007F"}"#)
        #expect(SessionHeaders.asciiJSON(data: "{ \"a\" :\n 1 }") == #"{"a":1}"#)
        #expect(SessionHeaders.asciiJSON(data: #"{"€":"𝄞"}"#) == #"{"\u20AC":"\uD834\uDD1E"}"#)
        #expect(SessionHeaders.asciiJSON(data: "not json") == nil)
    }
}
