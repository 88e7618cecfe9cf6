import SessionStore
import Testing

@testable import RestSessionsAPI

/// Rendering of sessions a client of the same Redis may have written (no_resave), and of errors.
@Suite struct ResponseBodyTests {
    @Test func noResaveComesAfterIpAndBeforeD() {
        let session = Session(id: "u", reads: 3, writes: 2, ttl: 55, idle: 4, ip: "::1", noResave: true, data: #"{"a":1.50}"#)
        let text = String(decoding: ResponseBody.session(session), as: UTF8.self)
        #expect(text == #"{"id":"u","r":3,"w":2,"ttl":55,"idle":4,"ip":"::1","no_resave":true,"d":{"a":1.50}}"#)
    }

    @Test func noResaveWithoutData() {
        let session = Session(id: "u", reads: 0, writes: 1, ttl: 10, idle: 0, ip: "1", noResave: true, data: nil)
        var output = ResponseBody.sessionsOpening
        ResponseBody.append(sessions: [session, session], to: &output)
        ResponseBody.closeSessions(&output)
        #expect(String(decoding: output, as: UTF8.self)
            == #"{"sessions":[{"id":"u","r":0,"w":1,"ttl":10,"idle":0,"ip":"1","no_resave":true},{"id":"u","r":0,"w":1,"ttl":10,"idle":0,"ip":"1","no_resave":true}]}"#)
    }

    /// Batches as a listing hands them over, empty ones included: one comma between sessions.
    @Test func aListingWrittenBatchByBatchIsOneArray() {
        let sessions = (1...3).map { Session(id: "u\($0)", reads: 1, writes: 1, ttl: 10, idle: 0, ip: "1", noResave: false, data: nil) }
        var output = ResponseBody.sessionsOpening
        for batch in [[], [sessions[0]], [], [sessions[1], sessions[2]], []] { ResponseBody.append(sessions: batch, to: &output) }
        ResponseBody.closeSessions(&output)
        #expect(String(decoding: output, as: UTF8.self) == #"{"sessions":["#
            + sessions.map { String(decoding: ResponseBody.session($0), as: UTF8.self) }.joined(separator: ",") + "]}")
        var empty = ResponseBody.sessionsOpening
        ResponseBody.append(sessions: [], to: &empty)
        ResponseBody.closeSessions(&empty)
        #expect(String(decoding: empty, as: UTF8.self) == #"{"sessions":[]}"#)
    }

    @Test func errorTextsAreEscaped() {
        #expect(String(decoding: ResponseBody.error(name: "n", message: "a \"quoted\"\nline"), as: UTF8.self)
            == #"{"name":"n","message":"a \"quoted\"\nline"}"#)
    }
}
